import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
        // Reads every built page, the one-page book (~1 MB) among them.
        test: { name: 'site', include: ['tests/site/**/*.test.ts'], testTimeout: 30_000 },
      },
    ],
  },
});
