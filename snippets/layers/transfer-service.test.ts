// The service against the in-memory fake: no database, milliseconds per test.
// repository-contract.test.ts proves the fake behaves like PostgreSQL.
import { describe, expect, it } from 'vitest';
import { memoryUnitOfWork } from './memory-repositories.ts';
import {
  MAX_TRANSFER_CENTS, transferService, type Repositories, type UnitOfWork,
} from './transfer-service.ts';

const NOW = new Date('2026-12-01T09:00:00Z');

function setup(balances: Record<string, number> = { alice: 100, bob: 0 }) {
  const unitOfWork = memoryUnitOfWork(Object.entries(balances)
    .map(([id, balanceCents]) => ({ id, balanceCents })));
  const service = transferService({ unitOfWork, now: () => NOW });
  const balancesNow = () => unitOfWork(async ({ accounts }) =>
    Object.fromEntries([...(await accounts.lock(Object.keys(balances))).values()]
      .map((a) => [a.id, a.balanceCents])));
  return { service, unitOfWork, balancesNow };
}

const move = (amountCents: number, over: object = {}) =>
  ({ reference: 'r1', from: 'alice', to: 'bob', amountCents, ...over });

describe('transfer', () => {
  it('moves the money and records the transfer in one unit of work', async () => {
    const { service, unitOfWork, balancesNow } = setup();
    expect(await service.transfer(move(40))).toEqual({ ok: true,
      transfer: { reference: 'r1', from: 'alice', to: 'bob', amountCents: 40, at: NOW } });
    expect(await balancesNow()).toEqual({ alice: 60, bob: 40 });
    expect(await unitOfWork(({ transfers }) => transfers.find('r1')))
      .toMatchObject({ amountCents: 40 });
  });

  it('allows the whole balance and not a cent more', async () => {
    const { service, balancesNow } = setup();
    expect(await service.transfer(move(101))).toEqual(
      { ok: false, error: 'insufficient-funds', balanceCents: 100 });
    expect((await service.transfer(move(100))).ok).toBe(true);
    expect(await balancesNow()).toEqual({ alice: 0, bob: 100 });
  });

  it.each([
    ['an unknown source', { from: 'carol' }, 'carol'],
    ['an unknown target', { to: 'carol' }, 'carol'],
    ['both unknown', { from: 'carol', to: 'dan' }, 'carol'],
  ])('names the missing account for %s', async (_, over, accountId) => {
    const { service, balancesNow } = setup();
    expect(await service.transfer(move(10, over)))
      .toEqual({ ok: false, error: 'account-not-found', accountId });
    expect(await balancesNow()).toEqual({ alice: 100, bob: 0 });
  });

  it('refuses a reused reference and keeps the first transfer only', async () => {
    const { service, balancesNow } = setup();
    await service.transfer(move(10));
    expect(await service.transfer(move(20)))
      .toEqual({ ok: false, error: 'duplicate-reference' });
    expect(await balancesNow()).toEqual({ alice: 90, bob: 10 });
  });

  it.each([
    ['zero', move(0), 'amountCents'],
    ['a negative amount', move(-5), 'amountCents'],
    ['a fraction of a cent', move(10.5), 'amountCents'],
    ['a string amount', move('10' as unknown as number), 'amountCents'],
    ['more than the limit', move(MAX_TRANSFER_CENTS + 1), 'amountCents'],
    ['NaN', move(Number.NaN), 'amountCents'],
    ['the same account twice', move(10, { to: 'alice' }), 'to'],
    ['an empty reference', move(10, { reference: '' }), 'reference'],
    ['a 65-character reference', move(10, { reference: 'r'.repeat(65) }), 'reference'],
    ['SQL in an id', move(10, { from: "alice'; DROP TABLE accounts;--" }), 'from'],
    ['an unknown field', move(10, { approvedBy: 'me' }), 'input'],
    ['no body', undefined, 'input'],
  ])('rejects %s as invalid input before touching storage', async (_, input, field) => {
    let units = 0;
    const counting: UnitOfWork = async (work) => { units++; return work({} as Repositories); };
    const service = transferService({ unitOfWork: counting, now: () => NOW });
    const result = await service.transfer(input);
    expect(result).toMatchObject({ ok: false, error: 'invalid-input' });
    if (result.ok || result.error !== 'invalid-input') throw new Error('unreachable');
    expect(result.issues.join('\n')).toMatch(new RegExp(`^${field}: `, 'm'));
    expect(units).toBe(0);
  });

  it('accepts the largest allowed amount', async () => {
    const { service } = setup({ alice: MAX_TRANSFER_CENTS, bob: 0 });
    expect((await service.transfer(move(MAX_TRANSFER_CENTS))).ok).toBe(true);
  });

  it('lets storage failures through rather than calling them a domain outcome', async () => {
    const broken: UnitOfWork = async () => { throw new Error('connection reset'); };
    const service = transferService({ unitOfWork: broken, now: () => NOW });
    await expect(service.transfer(move(10))).rejects.toThrow('connection reset');
  });
});
