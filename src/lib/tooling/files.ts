import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file below `dir` (not folders), as paths joined to `dir`, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
