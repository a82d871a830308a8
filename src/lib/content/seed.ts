import seedJson from '../../../content/seed/questions.json' with { type: 'json' };
import type { Difficulty } from './difficulty.ts';

/** One of the 100 questions, as numbered in the seed (the content's spine). */
export interface SeedQuestion {
  id: number;
  difficulty: Difficulty;
  question: string;
}

export const seedQuestions: readonly SeedQuestion[] = seedJson as SeedQuestion[];

const byId = new Map(seedQuestions.map((q) => [q.id, q]));

export function seedQuestion(id: number): SeedQuestion | undefined {
  return byId.get(id);
}
