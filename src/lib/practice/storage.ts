import { parseProgress } from './parse-progress.ts';
import { emptyProgress, type Progress } from './progress.ts';

/** The localStorage key of the progress record. */
export const PROGRESS_KEY = 'handbook-progress';
/** Where an unreadable stored record is moved, so starting afresh loses nothing. */
export const UNREADABLE_KEY = 'handbook-progress-unreadable';

/** The part of the Web Storage API this module uses. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface ProgressStore {
  /** The current record; replaced by save(). */
  readonly progress: Progress;
  /** False when the browser refuses storage: progress then lasts for this page only. */
  readonly persistent: boolean;
  /** A sentence for the reader when something went wrong opening or saving. */
  readonly notice: string | undefined;
  save(progress: Progress): void;
}

const IN_MEMORY = 'This browser is not letting the site store data (a private window, perhaps), so progress lasts only while this page is open. Export it to keep it.';

/**
 * Opens the stored record. `storage` is a function because merely reading
 * `window.localStorage` throws where storage is blocked. Whatever fails, the
 * store still works, in memory, and says why in `notice`.
 */
export function openProgressStore(storage: () => KeyValueStorage): ProgressStore {
  let backend: KeyValueStorage | undefined;
  let progress = emptyProgress();
  let notice: string | undefined;
  try {
    backend = storage();
    const raw = backend.getItem(PROGRESS_KEY);
    if (raw !== null) {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
      const parsed = parseProgress(json);
      if (parsed.ok) {
        progress = parsed.value;
      } else {
        backend.setItem(UNREADABLE_KEY, raw);
        backend.removeItem(PROGRESS_KEY);
        notice = `Stored progress could not be read (${parsed.error.split('\n')[0]}), so practice starts afresh; the old record is kept under "${UNREADABLE_KEY}".`;
      }
    }
  } catch {
    backend = undefined;
    notice = IN_MEMORY;
  }
  return {
    get progress() {
      return progress;
    },
    get persistent() {
      return backend !== undefined;
    },
    get notice() {
      return notice;
    },
    save(next) {
      progress = next;
      if (!backend) return;
      try {
        backend.setItem(PROGRESS_KEY, JSON.stringify(next));
      } catch {
        backend = undefined;
        notice = IN_MEMORY;
      }
    },
  };
}

/** `handbook-progress-2025-01-31.json`, dated in the reader's time zone. */
export function exportFileName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `handbook-progress-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.json`;
}
