import { describe, expect, it } from 'vitest';
import { emptyProgress, mergeProgress, type Progress } from './progress.ts';

const entry = (seen: string, box = 1) => ({ box, due: seen, seen, knew: box, again: 0 });
const record = (cards: Progress['cards']): Progress => ({ version: 1, cards });

describe('mergeProgress', () => {
  const current = record({ '1': entry('2025-03-01T00:00:00Z', 1), '2': entry('2025-03-05T00:00:00Z', 3), '3': entry('2025-03-02T00:00:00Z', 2) });
  const incoming = record({ '1': entry('2025-03-02T00:00:00Z', 2), '2': entry('2025-03-04T00:00:00Z', 1), '3': entry('2025-03-02T00:00:00Z', 5), '4': entry('2025-03-03T00:00:00Z') });

  it('keeps the more recently reviewed entry per card, and every card from both', () => {
    const { progress, added, updated, kept } = mergeProgress(current, incoming);
    expect(progress.cards).toEqual({ '1': incoming.cards['1'], '2': current.cards['2'], '3': current.cards['3'], '4': incoming.cards['4'] });
    expect({ added, updated, kept }).toEqual({ added: 1, updated: 1, kept: 2 });
  });

  it('compares instants, not strings, across time zones', () => {
    const later = record({ '1': entry('2025-03-01T01:30:00+02:00') }); // 23:30Z the day before
    expect(mergeProgress(current, later).progress.cards['1']).toBe(current.cards['1']);
  });

  it('leaves both inputs unchanged', () => {
    const before = structuredClone(current);
    mergeProgress(current, incoming);
    expect(current).toEqual(before);
  });

  it('merging into empty progress takes the import as it is', () => {
    expect(mergeProgress(emptyProgress(), incoming).progress).toEqual(incoming);
  });
});
