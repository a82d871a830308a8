/**
 * The demo host's first run in a cold build (warmDemoHost in
 * demo-output.ts): it opens one database and closes it, which in the host
 * leaves it emptied in the pool (database-pool.ts), with PGlite loaded
 * and compiled, for the first demo that opens one. It prints nothing.
 */
import { openDatabase } from '../../../snippets/db/database.ts';

await (await openDatabase()).close();
