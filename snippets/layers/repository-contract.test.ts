// The one contract suite, run against both implementations.
import { describe } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import type { Account } from './transfer-service.ts';
import { memoryUnitOfWork } from './memory-repositories.ts';
import { pgUnitOfWork, SCHEMA } from './pg-repositories.ts';
import { repositoryContract, unitOfWorkContract } from './repository-contract.ts';

const fake = async (seed: Account[]) => memoryUnitOfWork(seed);
repositoryContract('the in-memory fake', fake);
unitOfWorkContract('the in-memory fake', fake);

describe('PostgreSQL', () => {
  const db = useDatabase(SCHEMA, { reset: 'TRUNCATE transfers, accounts' });
  const open = async (seed: Account[]) => {
    for (const { id, balanceCents } of seed) {
      await db().query('INSERT INTO accounts VALUES ($1, $2)', [id, balanceCents]);
    }
    return pgUnitOfWork(db());
  };
  repositoryContract('PostgreSQL (PGlite)', open);
  unitOfWorkContract('PostgreSQL (PGlite)', open);
});
