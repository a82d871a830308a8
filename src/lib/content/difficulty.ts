/** The three difficulty bands; a question's band is fixed by its id. */
export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export interface Band {
  difficulty: Difficulty;
  label: string;
  first: number;
  last: number;
  /** One line for the home and difficulty pages. */
  blurb: string;
}

export const BANDS: readonly Band[] = [
  { difficulty: 'easy', label: 'Easy', first: 1, last: 34, blurb: 'Fundamentals every backend interview opens with: HTTP, databases, Git, testing.' },
  { difficulty: 'medium', label: 'Medium', first: 35, last: 67, blurb: 'Building real endpoints: validation, auth, pagination, jobs, migrations, observability.' },
  { difficulty: 'hard', label: 'Hard', first: 68, last: 100, blurb: 'Design under pressure: consistency, resilience, scale, security and operations.' },
];

export const FIRST_ID = 1;
export const LAST_ID = 100;

/** The band a question id belongs to; throws for an id outside 1–100. */
export function bandForId(id: number): Band {
  const band = BANDS.find((b) => Number.isInteger(id) && id >= b.first && id <= b.last);
  if (!band) throw new RangeError(`question id must be a whole number from ${FIRST_ID} to ${LAST_ID}, got ${id}`);
  return band;
}

export function bandFor(difficulty: Difficulty): Band {
  return BANDS.find((b) => b.difficulty === difficulty)!;
}
