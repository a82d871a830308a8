import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync,
  readlinkSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lockWaitSeen, restoreSymlinks, startPostgres, waitsForLock, type PoolDb,
  type PostgresServer, type Session,
} from './postgres-server.ts';

let server: PostgresServer;
let db: PoolDb;

beforeAll(async () => {
  server = await startPostgres();
  db = server.pool(4);
  await db.exec('CREATE TABLE accounts (id int PRIMARY KEY, cents int NOT NULL)');
}, 120_000); // a busy 2-core runner; the first start also runs initdb
afterAll(async () => { await server?.stop(); });

/** A scratch folder of our own; `nobody` must be able to pass through it. */
function scratchFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pg-harness-test-'));
  chmodSync(dir, 0o755);
  return dir;
}

const refused = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(false); });
  socket.once('error', () => resolve(true));
});

describe('startPostgres', () => {
  it('serves a real PostgreSQL on the loopback interface only', async () => {
    expect(server.host).toBe('127.0.0.1');
    const { rows } = await db.query<{ addresses: string; fsync: string; major: number }>(`
      SELECT current_setting('listen_addresses') AS addresses,
        current_setting('fsync') AS fsync,
        current_setting('server_version_num')::int / 10000 AS major`);
    expect(rows[0]).toEqual({ addresses: '127.0.0.1', fsync: 'off', major: 18 });
  });

  it('runs sessions side by side: a second writer waits for the first one\'s row lock', async () => {
    await db.exec('INSERT INTO accounts VALUES (1, 0)');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => { locked = resolve; });
    const first = db.transaction(async (tx) => {
      await tx.query('UPDATE accounts SET cents = cents + 1 WHERE id = 1');
      locked();
      await gate; // hold the row lock until the test says so
    });
    try {
      await holding;
      let secondDone = false;
      const second = db.query('UPDATE accounts SET cents = cents + 10 WHERE id = 1')
        .then(() => { secondDone = true; });
      expect(await lockWaitSeen(db)).toEqual([expect.stringMatching(/^UPDATE accounts/)]);
      expect(secondDone).toBe(false);
      release();
      await Promise.all([first, second]);
    } finally {
      release();
    }
    expect((await db.query<{ cents: number }>('SELECT cents FROM accounts')).rows)
      .toEqual([{ cents: 11 }]);
  });

  it('rolls a failed transaction back and keeps the pool usable', async () => {
    await db.exec('TRUNCATE accounts');
    await expect(db.transaction(async (tx) => {
      await tx.query('INSERT INTO accounts VALUES (2, 5)');
      await tx.query('INSERT INTO accounts VALUES (2, 6)'); // duplicate key
    })).rejects.toMatchObject({ code: '23505', constraint: 'accounts_pkey' });
    const { rows, affectedRows } = await db.query('SELECT * FROM accounts');
    expect(rows).toEqual([]);
    expect(affectedRows).toBe(0);
  });

  it('stops: the port refuses connections and the data folder is gone', async () => {
    const scratch = scratchFolder();
    try {
      const other = await startPostgres({ scratch });
      expect(readdirSync(scratch)).toHaveLength(1);
      expect(await refused(other.port)).toBe(false);
      await other.stop();
      expect(await refused(other.port)).toBe(true);
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 60_000);

  it('stops even when a failed test left a transaction open', async () => {
    const scratch = scratchFolder();
    try {
      const other = await startPostgres({ scratch });
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => { entered = resolve; });
      // A test that timed out while its transaction waited: never released.
      void other.pool(1).transaction(async (tx) => {
        await tx.query('SELECT 1');
        entered();
        await new Promise(() => {});
      });
      await inside;
      await other.stop();
      expect(await refused(other.port)).toBe(true);
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 15_000);

  it('stops its servers when the test process gets SIGTERM, as vitest ends its workers', async () => {
    const scratch = scratchFolder();
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      const { startPostgres } = await import(process.argv[1]);
      const server = await startPostgres({ scratch: process.argv[2] });
      console.log(server.port);
      setInterval(() => {}, 60_000);`,
    new URL('./postgres-server.ts', import.meta.url).href, scratch],
    { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    try {
      const [line] = await Promise.race([once(child.stdout, 'data'),
        exited.then(() => { throw new Error('the child exited before it started a server'); })]);
      const port = Number(String(line).trim());
      expect(await refused(port)).toBe(false);
      child.kill('SIGTERM');
      const [, signal] = await exited;
      expect(signal).toBe('SIGTERM'); // it still dies of the signal
      expect(await refused(port)).toBe(true);
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      for (const name of existsSync(scratch) ? readdirSync(scratch) : []) {
        const pidFile = join(scratch, name, 'postmaster.pid'); // a server left behind
        if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGQUIT');
      }
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 60_000);

  it('fails loudly, with the reason, when the server cannot start in time', async () => {
    const scratch = scratchFolder();
    try {
      await expect(startPostgres({ scratch, timeoutMs: 1 }))
        .rejects.toThrow(/PostgreSQL did not start: not ready in 1 ms/);
      expect(readdirSync(scratch)).toEqual([]); // and left nothing behind
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      expect(existsSync(scratch)).toBe(false);
    }
  }, 60_000);
});

describe('restoreSymlinks', () => {
  it('recreates the library links a skipped postinstall left out, and keeps the rest', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'pg-harness-pkg-'));
    try {
      mkdirSync(join(pkg, 'native', 'lib'), { recursive: true });
      writeFileSync(join(pkg, 'native', 'lib', 'libpq.so.5.18'), 'ELF');
      symlinkSync('libpq.so.5.18', join(pkg, 'native', 'lib', 'libpq.so'));
      writeFileSync(join(pkg, 'native', 'pg-symlinks.json'), JSON.stringify([
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
      ]));
      expect(restoreSymlinks(pkg)).toBe(true);
      expect(readlinkSync(join(pkg, 'native', 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
      expect(readFileSync(join(pkg, 'native', 'lib', 'libpq.so.5'), 'utf8')).toBe('ELF');
      expect(restoreSymlinks(pkg)).toBe(true); // idempotent
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });

  it('reports a package it cannot write to', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'pg-harness-pkg-'));
    try {
      mkdirSync(join(pkg, 'native'));
      writeFileSync(join(pkg, 'native', 'pg-symlinks.json'), JSON.stringify([
        { source: 'native/lib/libpq.so.5.18', target: 'native/missing-dir/libpq.so.5' },
      ]));
      expect(restoreSymlinks(pkg)).toBe(false);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});

describe('lockWaitSeen', () => {
  it('gives up with a clear error when no session waits', async () => {
    await expect(lockWaitSeen(db, { timeoutMs: 50 }))
      .rejects.toThrow(/no session waited for a lock within 50 ms/);
  });
});

describe('waitsForLock', () => {
  it('names the statement that waited for a lock while the call ran', async () => {
    const holder = await db.pool.connect();
    await holder.query('BEGIN; LOCK TABLE accounts'); // ACCESS EXCLUSIVE
    const blocked = db.query('SELECT count(*) FROM accounts');
    try {
      expect(await waitsForLock(db, blocked))
        .toEqual([expect.stringMatching(/^SELECT count\(\*\) FROM accounts/)]);
    } finally {
      await holder.query('COMMIT'); // let the blocked query through
      holder.release();
    }
    await blocked;
  });

  it('gives [] for calls that settled without waiting, and stops looking', async () => {
    let polls = 0;
    const noWaits: Session = {
      async query<R>() { polls += 1; return { rows: [] as R[] }; },
    };
    expect(await waitsForLock(noWaits, Promise.resolve('done'))).toEqual([]);
    // A failed call too: its error stays with the caller's own promise.
    const failed = Promise.reject(new Error('deadlock detected'));
    expect(await waitsForLock(noWaits, failed)).toEqual([]);
    await expect(failed).rejects.toThrow('deadlock detected');
    const seen = polls;
    for (let turn = 0; turn < 5; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(polls).toBe(seen);
  }, 5_000); // it answers when the call settles, not at lockWaitSeen's 10 s
});
