import { describe, expect, it } from 'vitest';
import { bandFor, bandForId } from './difficulty.ts';

describe('bandForId', () => {
  it.each([
    [1, 'easy'], [34, 'easy'], [35, 'medium'], [67, 'medium'], [68, 'hard'], [100, 'hard'],
  ])('puts id %i in %s', (id, difficulty) => {
    expect(bandForId(id).difficulty).toBe(difficulty);
  });

  it.each([0, 101, 4.5, Number.NaN])('rejects %s', (id) => {
    expect(() => bandForId(id)).toThrow(/whole number from 1 to 100/);
  });
});

describe('bandFor', () => {
  it('returns the band with its label and range', () => {
    expect(bandFor('medium')).toMatchObject({ label: 'Medium', first: 35, last: 67 });
  });
});
