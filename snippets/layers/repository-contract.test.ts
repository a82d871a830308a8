// The one contract suite, run against both implementations.
import { describe } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { memoryUnitOfWork } from './memory-repositories.ts';
import { pgUnitOfWork, SCHEMA } from './pg-repositories.ts';
import { repositoryContract } from './repository-contract.ts';

repositoryContract('the in-memory fake', async (seed) => memoryUnitOfWork(seed));

describe('PostgreSQL', () => {
  const db = useDatabase(SCHEMA, { reset: 'TRUNCATE transfers, accounts' });
  repositoryContract('PostgreSQL (PGlite)', async (seed) => {
    for (const { id, balanceCents } of seed) {
      await db().query('INSERT INTO accounts VALUES ($1, $2)', [id, balanceCents]);
    }
    return pgUnitOfWork(db());
  });
});
