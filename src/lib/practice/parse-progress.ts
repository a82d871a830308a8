import { FIRST_ID, LAST_ID } from '../content/difficulty.ts';
import { type CardProgress, type Progress, PROGRESS_VERSION } from './progress.ts';
import { MAX_BOX } from './schedule.ts';

export type ParseResult = { ok: true; value: Progress } | { ok: false; error: string };

/** Problems listed in one error before the rest are counted. */
const SHOWN_PROBLEMS = 5;

const FIELDS = ['box', 'due', 'seen', 'knew', 'again'] as const;

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isCount = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

// A full ISO 8601 timestamp, as Date#toISOString writes it (offset allowed).
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
function isTimestamp(v: unknown): v is string {
  const m = typeof v === 'string' ? TIMESTAMP.exec(v) : null;
  if (!m || Number.isNaN(Date.parse(v as string))) return false;
  // Date.parse rolls 30 February over into March; a real date must not move.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

function cardProblems(path: string, card: unknown): string[] {
  if (!isRecord(card)) return [`${path} must be an object like {"box": 1, ...}; found ${show(card)}`];
  const problems: string[] = [];
  for (const key of Object.keys(card)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      problems.push(`${path}.${key} is not a known field; expected only ${FIELDS.join(', ')}`);
    }
  }
  if (!isCount(card.box, MAX_BOX)) problems.push(`${path}.box must be a whole number from 0 to ${MAX_BOX}; found ${show(card.box)}`);
  for (const key of ['due', 'seen'] as const) {
    if (!isTimestamp(card[key])) problems.push(`${path}.${key} must be an ISO 8601 timestamp like "2025-01-31T09:00:00.000Z"; found ${show(card[key])}`);
  }
  for (const key of ['knew', 'again'] as const) {
    if (!isCount(card[key])) problems.push(`${path}.${key} must be a whole number, 0 or more; found ${show(card[key])}`);
  }
  return problems;
}

/**
 * Checks untrusted JSON (a stored record or an imported file) against the
 * progress format. Every problem is collected; the error has one line per
 * problem, naming its path, what was expected and what was found.
 */
export function parseProgress(json: unknown): ParseResult {
  if (!isRecord(json)) {
    return { ok: false, error: `the file must hold an object like {"version": 1, "cards": {}}; found ${show(json)}` };
  }
  const problems: string[] = [];
  if (json.version !== PROGRESS_VERSION) problems.push(`version must be ${PROGRESS_VERSION}; found ${show(json.version)}`);
  for (const key of Object.keys(json)) {
    if (key !== 'version' && key !== 'cards') problems.push(`${key} is not a known field; expected only version and cards`);
  }
  if (!isRecord(json.cards)) {
    problems.push(`cards must be an object keyed by question id, like {"42": {...}}; found ${show(json.cards)}`);
  } else {
    for (const [id, card] of Object.entries(json.cards)) {
      const path = `cards[${JSON.stringify(id)}]`;
      const n = Number(id);
      if (!/^[1-9]\d*$/.test(id) || n < FIRST_ID || n > LAST_ID) {
        problems.push(`${path} is not a question id; keys must be whole numbers from ${FIRST_ID} to ${LAST_ID}`);
      } else {
        problems.push(...cardProblems(path, card));
      }
    }
  }
  if (problems.length > 0) {
    const more = problems.length - SHOWN_PROBLEMS;
    const listed = problems.slice(0, SHOWN_PROBLEMS);
    if (more > 0) listed.push(`and ${more} more ${more === 1 ? 'problem' : 'problems'}`);
    return { ok: false, error: listed.join('\n') };
  }
  // Rebuilt rather than cast, so the value holds exactly the checked fields.
  const cards: Record<string, CardProgress> = {};
  for (const [id, c] of Object.entries(json.cards as Record<string, CardProgress>)) {
    cards[id] = { box: c.box, due: c.due, seen: c.seen, knew: c.knew, again: c.again };
  }
  return { ok: true, value: { version: PROGRESS_VERSION, cards } };
}

/** Reads the text of a progress file: JSON first, then the format. */
export function parseProgressText(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the file is not valid JSON (${(error as Error).message})` };
  }
  return parseProgress(json);
}
