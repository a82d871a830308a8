import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest runs one file at a time on a 2-core machine (cores - 1), but
    // most of our files wait on real servers, child processes and PGlite's
    // start rather than compute: three at once took a database and
    // reliability run from 104 s to 36 s on this machine.
    maxWorkers: 3,
    projects: [
      {
        // Library units, every snippet's own test, and the content rules.
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'snippets/**/*.test.ts', 'tests/content/**/*.test.ts', 'scripts/**/*.test.ts'],
          // Password hashing does real work, and PGlite (PostgreSQL in WASM)
          // takes seconds to start on a busy 2-core machine: give both room.
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The built site in dist/ (npm run build:test first).
        // Reads every built page, the book's parts (1–2.3 MB each) among them.
        test: { name: 'site', include: ['tests/site/**/*.test.ts'], testTimeout: 30_000 },
      },
    ],
  },
});
