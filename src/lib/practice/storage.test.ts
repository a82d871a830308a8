import { describe, expect, it } from 'vitest';
import { emptyProgress } from './progress.ts';
import { exportFileName, type KeyValueStorage, openProgressStore, PROGRESS_KEY, UNREADABLE_KEY } from './storage.ts';

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const saved = { version: 1 as const, cards: { '4': { box: 1, due: '2025-03-02T00:00:00.000Z', seen: '2025-03-01T00:00:00.000Z', knew: 1, again: 0 } } };

describe('openProgressStore', () => {
  it('starts empty and saves to storage', () => {
    const storage = memoryStorage();
    const store = openProgressStore(() => storage);
    expect(store.progress).toEqual(emptyProgress());
    expect(store.persistent).toBe(true);
    expect(store.notice).toBeUndefined();
    store.save(saved);
    expect(JSON.parse(storage.data.get(PROGRESS_KEY)!)).toEqual(saved);
    expect(openProgressStore(() => storage).progress).toEqual(saved);
  });

  it('moves an unreadable record aside instead of overwriting it', () => {
    const storage = memoryStorage({ [PROGRESS_KEY]: '{"version":1,"cards":{"4":{"box":9}}}' });
    const store = openProgressStore(() => storage);
    expect(store.progress).toEqual(emptyProgress());
    expect(store.notice).toMatch(/^Stored progress could not be read \(cards\["4"\]\.box must be a whole number from 0 to 5; found 9\)/);
    expect(storage.data.get(UNREADABLE_KEY)).toBe('{"version":1,"cards":{"4":{"box":9}}}');
    expect(storage.data.has(PROGRESS_KEY)).toBe(false);
  });

  it('treats text that is not JSON as unreadable too', () => {
    const storage = memoryStorage({ [PROGRESS_KEY]: 'not json' });
    expect(openProgressStore(() => storage).notice).toMatch(/could not be read/);
    expect(storage.data.get(UNREADABLE_KEY)).toBe('not json');
  });

  it('works in memory when the browser refuses storage', () => {
    const store = openProgressStore(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    expect(store.persistent).toBe(false);
    expect(store.notice).toMatch(/progress lasts only while this page is open/);
    store.save(saved);
    expect(store.progress).toEqual(saved);
  });

  it('falls back to memory when a write fails, keeping the new progress', () => {
    const storage = memoryStorage();
    storage.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const store = openProgressStore(() => storage);
    store.save(saved);
    expect(store.persistent).toBe(false);
    expect(store.progress).toEqual(saved);
    expect(store.notice).toMatch(/Export it to keep it/);
  });
});

describe('exportFileName', () => {
  it('is dated in local time', () => {
    expect(exportFileName(new Date(2025, 0, 5, 23, 59))).toBe('handbook-progress-2025-01-05.json');
    expect(exportFileName(new Date(2025, 11, 31, 0, 0))).toBe('handbook-progress-2025-12-31.json');
  });
});
