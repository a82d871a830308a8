/**
 * The behaviour every implementation of the transfer repositories must
 * have, as one vitest suite. repository-contract.test.ts runs it against
 * the in-memory fake and against PostgreSQL (PGlite): if the fake drifts
 * from the database, the fake's run fails, and the service tests that use
 * the fake can be trusted.
 *
 * Tests only: it calls describe/it, so no demo may import it.
 */
import { describe, expect, it } from 'vitest';
import {
  DuplicateReferenceError, type Account, type Transfer, type UnitOfWork,
} from './transfer-service.ts';

/** Makes a fresh store holding exactly `seed`, and its unit of work. */
export type OpenStore = (seed: Account[]) => Promise<UnitOfWork>;

const AT = new Date('2026-12-01T09:00:00.000Z');
const transfer = (reference: string, amountCents = 10): Transfer =>
  ({ reference, from: 'a', to: 'b', amountCents, at: AT });

// #region contract
export function repositoryContract(name: string, open: OpenStore) {
  describe(`${name} honours the repository contract`, () => {
    const seed = [{ id: 'a', balanceCents: 100 }, { id: 'b', balanceCents: 0 }];
    const balances = (uow: UnitOfWork) => uow(async ({ accounts }) =>
      Object.fromEntries([...(await accounts.lock(['a', 'b'])).values()]
        .map((acc) => [acc.id, acc.balanceCents])));

    it('finds existing accounts and leaves unknown ids out', async () => {
      const uow = await open(seed);
      const found = await uow(({ accounts }) =>
        accounts.lock(['b', 'nope', "a' OR '1'='1"]));
      expect([...found.values()]).toEqual([{ id: 'b', balanceCents: 0 }]);
    });

    it('commits writes to both repositories together', async () => {
      const uow = await open(seed);
      await uow(async ({ accounts, transfers }) => {
        await accounts.save({ id: 'a', balanceCents: 90 });
        await transfers.add(transfer('t1'));
      });
      expect(await balances(uow)).toEqual({ a: 90, b: 0 });
      expect(await uow(({ transfers }) => transfers.find('t1')))
        .toEqual(transfer('t1'));
    });

    it('rolls back writes to both repositories when work throws', async () => {
      const uow = await open(seed);
      await expect(uow(async ({ accounts, transfers }) => {
        await accounts.save({ id: 'a', balanceCents: 90 });
        await transfers.add(transfer('t1'));
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await balances(uow)).toEqual({ a: 100, b: 0 });
      expect(await uow(({ transfers }) => transfers.find('t1')))
        .toBeUndefined();
    });

    it('refuses a second transfer with the same reference', async () => {
      const uow = await open(seed);
      await uow(({ transfers }) => transfers.add(transfer('t1')));
      await expect(uow(({ transfers }) => transfers.add(transfer('t1', 20))))
        .rejects.toBeInstanceOf(DuplicateReferenceError);
      expect(await uow(({ transfers }) => transfers.find('t1')))
        .toMatchObject({ amountCents: 10 });
    });

    it('enforces the table constraints', async () => {
      const uow = await open(seed);
      const fails = (work: Parameters<UnitOfWork>[0]) =>
        expect(uow(work)).rejects.toThrow();
      await fails(({ accounts }) =>
        accounts.save({ id: 'a', balanceCents: -1 }));
      await fails(({ accounts }) =>
        accounts.save({ id: 'x', balanceCents: 1 }));
      await fails(({ transfers }) => transfers.add(transfer('t0', 0)));
      await fails(({ transfers }) =>
        transfers.add({ ...transfer('t2'), to: 'ghost' }));
      expect(await balances(uow)).toEqual({ a: 100, b: 0 });
    });
  });
}
// #endregion contract

/**
 * The edges of a unit of work, which the service relies on without saying
 * so: repositories die with their unit, a unit whose statement failed does
 * not commit, units do not nest, and amounts are whole cents that a
 * JavaScript number holds exactly.
 */
export function unitOfWorkContract(name: string, open: OpenStore) {
  describe(`${name} keeps the unit of work's edges`, () => {
    const seed = [{ id: 'a', balanceCents: 100 }, { id: 'b', balanceCents: 0 }];
    const balanceOfA = (uow: UnitOfWork) => uow(async ({ accounts }) =>
      (await accounts.lock(['a'])).get('a')?.balanceCents);

    it('refuses repositories used after their unit committed', async () => {
      const uow = await open(seed);
      const escaped = await uow(async (repos) => repos);
      await expect(escaped.accounts.save({ id: 'a', balanceCents: 1 }))
        .rejects.toThrow(/unit of work has ended/);
      await expect(escaped.transfers.add(transfer('late')))
        .rejects.toThrow(/unit of work has ended/);
      expect(await balanceOfA(uow)).toBe(100);
    });

    it('refuses repositories used after their unit rolled back', async () => {
      const uow = await open(seed);
      let escaped: Parameters<Parameters<UnitOfWork>[0]>[0] | undefined;
      await expect(uow(async (repos) => {
        escaped = repos;
        throw new Error('boom');
      })).rejects.toThrow('boom');
      await expect(escaped!.accounts.lock(['a']))
        .rejects.toThrow(/unit of work has ended/);
    });

    it('does not commit a unit that swallowed a failed write', async () => {
      const uow = await open(seed);
      await uow(({ transfers }) => transfers.add(transfer('t1')));
      await expect(uow(async ({ accounts, transfers }) => {
        await accounts.save({ id: 'a', balanceCents: 90 });
        await transfers.add(transfer('t1')).catch(() => {}); // swallowed
        return 'done';
      })).rejects.toThrow(/failed earlier/);
      expect(await balanceOfA(uow)).toBe(100);
    });

    it('refuses a unit of work started inside another', async () => {
      const uow = await open(seed);
      // A second unit would wait for the first's locks (or its turn)
      // forever; the inner code should use the repositories it was given.
      await expect(uow(() => uow(({ accounts }) => accounts.lock(['a']))))
        .rejects.toThrow(/inside another unit of work/);
      expect(await balanceOfA(uow)).toBe(100);
    });

    it('refuses amounts that are not whole cents held exactly', async () => {
      const uow = await open(seed);
      const fails = (work: Parameters<UnitOfWork>[0]) =>
        expect(uow(work)).rejects.toThrow();
      await fails(({ accounts }) =>
        accounts.save({ id: 'a', balanceCents: 10.5 }));
      await fails(({ accounts }) =>
        accounts.save({ id: 'a', balanceCents: Number.MAX_SAFE_INTEGER + 1 }));
      await fails(({ transfers }) => transfers.add(transfer('t3', 0.5)));
      expect(await balanceOfA(uow)).toBe(100);
      await uow(({ accounts }) =>
        accounts.save({ id: 'a', balanceCents: Number.MAX_SAFE_INTEGER }));
      expect(await balanceOfA(uow)).toBe(Number.MAX_SAFE_INTEGER);
    });
  });
}
