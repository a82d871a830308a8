/**
 * Sizing and configuring a `pg` pool. Two numbers bound the size: what the
 * database can run at once (about its cores; HikariCP's starting point is
 * cores × 2 + effective spindles) and what it admits (max_connections,
 * shared by every instance of every service). The acquire timeout turns
 * an exhausted pool into a fast, typed error instead of an endless wait.
 * @see https://github.com/brettwooldridge/HikariCP/wiki/About-Pool-Sizing
 * @see https://node-postgres.com/apis/pool
 */
import pg from 'pg';

function whole(name: string, value: number, min: number, max: number) {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer ${min}-${max}, `
      + `got ${value}`);
  }
  return value;
}

// #region sizing
/** HikariCP's starting point, to be tuned by load tests. */
export function startingPoolSize(cores: number, effectiveSpindles = 0) {
  return whole('cores', cores, 1, 1024) * 2
    + whole('effectiveSpindles', effectiveSpindles, 0, 1024);
}

export interface ConnectionBudget {
  /** The server's max_connections. */
  maxConnections: number;
  /** Kept free: superuser_reserved_connections, reserved_connections,
   *  migrations, consoles, monitoring, replication. */
  keepFree: number;
  /** Instances at the peak of a rolling deploy (old and new both up). */
  instances: number;
}

/** The most connections one instance's pool may open. */
export function perInstanceLimit(b: ConnectionBudget) {
  const usable = whole('maxConnections', b.maxConnections, 1, 262_143)
    - whole('keepFree', b.keepFree, 0, 262_143);
  const each = Math.floor(usable / whole('instances', b.instances, 1, 10_000));
  if (each < 1) {
    throw new RangeError(`${b.instances} instances cannot share `
      + `${usable} connections: add a pooler such as PgBouncer`);
  }
  return each;
}
// #endregion sizing

export class PoolTimeoutError extends Error {
  override name = 'PoolTimeoutError';
  readonly waiting: number;
  constructor(waiting: number, options?: ErrorOptions) {
    super(`no connection free within the acquire timeout `
      + `(${waiting} waiting)`, options);
    this.waiting = waiting;
  }
}

// #region pool
export interface PoolSettings extends pg.PoolConfig {
  max: number;
  /** How long a caller may wait for a connection: required, > 0. */
  connectionTimeoutMillis: number;
}

export function createPool(settings: PoolSettings): pg.Pool {
  whole('max', settings.max, 1, 1_000);
  // pg's default, 0, means "wait forever": never in production.
  whole('connectionTimeoutMillis', settings.connectionTimeoutMillis,
    1, 60_000);
  const pool = new pg.Pool({ idleTimeoutMillis: 30_000, ...settings });
  pool.on('error', () => {}); // an idle client lost; the pool replaces it
  return pool;
}

/** Runs `work` on one connection; a full pool becomes PoolTimeoutError. */
export async function withConnection<T>(pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    if (/timeout exceeded when trying to connect/.test(String(error))) {
      throw new PoolTimeoutError(pool.waitingCount, { cause: error });
    }
    throw error;
  }
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (error) {
    client.release(error as Error); // as pool.query does: not reused
    throw error;
  }
}
// #endregion pool

if (import.meta.main) {
  console.log('HikariCP start, 8 cores, SSD:', startingPoolSize(8));
  for (const instances of [4, 8, 20]) {
    const each = perInstanceLimit({ maxConnections: 100, keepFree: 10,
      instances });
    console.log(`max_connections 100, 10 kept free, ${instances} `
      + `instances: at most ${each} each`);
  }
}
