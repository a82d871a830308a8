import { describe, expect, it } from 'vitest';
import { buildDate } from './epub-integration.ts';

describe('buildDate', () => {
  it('is SOURCE_DATE_EPOCH when set, for reproducible builds', () => {
    expect(buildDate({ SOURCE_DATE_EPOCH: '1764670831' }).toISOString()).toBe('2025-12-02T10:20:31.000Z');
  });

  it('is now, to the second, otherwise', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const date = buildDate({}).getTime();
    expect(date % 1000).toBe(0);
    expect(date).toBeGreaterThanOrEqual(before);
    expect(date).toBeLessThanOrEqual(Date.now());
  });

  it('refuses an epoch that is not whole seconds', () => {
    expect(() => buildDate({ SOURCE_DATE_EPOCH: '2026-12-02' })).toThrow('SOURCE_DATE_EPOCH must be whole seconds since 1970; got "2026-12-02"');
  });
});
