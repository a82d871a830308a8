import { describe, expect, it } from 'vitest';
import { parseProgress, parseProgressText } from './parse-progress.ts';

const card = { box: 2, due: '2025-03-04T10:00:00.000Z', seen: '2025-03-01T10:00:00.000Z', knew: 2, again: 1 };
const valid = { version: 1, cards: { '42': card, '4': { ...card, box: 0 } } };
const withCard = (patch: Record<string, unknown>) => ({ version: 1, cards: { '42': { ...card, ...patch } } });
const errorOf = (json: unknown) => {
  const result = parseProgress(json);
  if (result.ok) throw new Error('expected a failure');
  return result.error;
};

describe('parseProgress', () => {
  it('accepts a valid record and an empty one', () => {
    expect(parseProgress(valid)).toEqual({ ok: true, value: valid });
    expect(parseProgress({ version: 1, cards: {} })).toEqual({ ok: true, value: { version: 1, cards: {} } });
  });

  it('accepts a timestamp with an offset', () => {
    expect(parseProgress(withCard({ seen: '2025-03-01T11:00:00+01:00' })).ok).toBe(true);
  });

  it.each([
    [null, 'the file must hold an object like {"version": 1, "cards": {}}; found null'],
    [[1, 2], 'the file must hold an object like {"version": 1, "cards": {}}; found [1,2]'],
    ['x'.repeat(50), `the file must hold an object like {"version": 1, "cards": {}}; found "${'x'.repeat(36)}...`],
    [{ cards: {} }, 'version must be 1; found nothing'],
    [{ version: 2, cards: {} }, 'version must be 1; found 2'],
    [{ version: 1 }, 'cards must be an object keyed by question id, like {"42": {...}}; found nothing'],
    [{ version: 1, cards: [] }, 'cards must be an object keyed by question id, like {"42": {...}}; found []'],
    [{ version: 1, cards: {}, theme: 'dark' }, 'theme is not a known field; expected only version and cards'],
    [{ version: 1, cards: { '101': card } }, 'cards["101"] is not a question id; keys must be whole numbers from 1 to 100'],
    [{ version: 1, cards: { '042': card } }, 'cards["042"] is not a question id; keys must be whole numbers from 1 to 100'],
    [{ version: 1, cards: { abc: card } }, 'cards["abc"] is not a question id; keys must be whole numbers from 1 to 100'],
    [{ version: 1, cards: { '42': 'x' } }, 'cards["42"] must be an object like {"box": 1, ...}; found "x"'],
    [withCard({ box: 'x' }), 'cards["42"].box must be a whole number from 0 to 5; found "x"'],
    [withCard({ box: 6 }), 'cards["42"].box must be a whole number from 0 to 5; found 6'],
    [withCard({ box: 1.5 }), 'cards["42"].box must be a whole number from 0 to 5; found 1.5'],
    [withCard({ due: 'tomorrow' }), 'cards["42"].due must be an ISO 8601 timestamp like "2025-01-31T09:00:00.000Z"; found "tomorrow"'],
    [withCard({ seen: '2025-02-30T10:00:00Z' }), 'cards["42"].seen must be an ISO 8601 timestamp like "2025-01-31T09:00:00.000Z"; found "2025-02-30T10:00:00Z"'],
    [withCard({ seen: 1740823200000 }), 'cards["42"].seen must be an ISO 8601 timestamp like "2025-01-31T09:00:00.000Z"; found 1740823200000'],
    [withCard({ knew: -1 }), 'cards["42"].knew must be a whole number, 0 or more; found -1'],
    [withCard({ again: undefined }), 'cards["42"].again must be a whole number, 0 or more; found nothing'],
    [withCard({ note: 'hi' }), 'cards["42"].note is not a known field; expected only box, due, seen, knew, again'],
  ])('rejects %j with a message naming the path', (json, message) => {
    expect(errorOf(json)).toBe(message);
  });

  it('lists every problem, up to five, then counts the rest', () => {
    const bad = { box: -1, due: '', seen: '', knew: 'a', again: 'b' };
    expect(errorOf({ version: 1, cards: { '1': bad } }).split('\n')).toHaveLength(5);
    const lines = errorOf({ version: 1, cards: { '1': bad, '2': bad } }).split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('and 5 more problems');
  });

  it('keeps only the checked fields and does not share objects with the input', () => {
    const result = parseProgress(valid);
    if (!result.ok) throw new Error(result.error);
    expect(result.value.cards['42']).not.toBe(valid.cards['42']);
  });
});

describe('parseProgressText', () => {
  it('parses the text of a file', () => {
    expect(parseProgressText(JSON.stringify(valid))).toEqual({ ok: true, value: valid });
  });

  it('says when the file is not JSON at all', () => {
    const result = parseProgressText('{"version": 1,');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^the file is not valid JSON \(.+\)$/);
  });
});
