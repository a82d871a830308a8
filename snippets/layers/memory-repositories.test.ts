// What the fake must do beyond the shared contract (repository-contract.test.ts
// runs that): isolate callers from its state and run units one at a time.
import { describe, expect, it } from 'vitest';
import { memoryUnitOfWork } from './memory-repositories.ts';

describe('memoryUnitOfWork', () => {
  it('hands out copies: changing a loaded account saves nothing', async () => {
    const uow = memoryUnitOfWork([{ id: 'a', balanceCents: 100 }]);
    await uow(async ({ accounts }) => {
      const a = (await accounts.lock(['a'])).get('a')!;
      a.balanceCents = 0;
    });
    const again = await uow(({ accounts }) => accounts.lock(['a']));
    expect(again.get('a')).toEqual({ id: 'a', balanceCents: 100 });
  });

  it('does not share the seed objects with the caller', async () => {
    const seed = [{ id: 'a', balanceCents: 100 }];
    const uow = memoryUnitOfWork(seed);
    seed[0]!.balanceCents = 5;
    const found = await uow(({ accounts }) => accounts.lock(['a']));
    expect(found.get('a')?.balanceCents).toBe(100);
  });

  it('runs units one at a time, so read-modify-write loses no update', async () => {
    const uow = memoryUnitOfWork([{ id: 'a', balanceCents: 100 }]);
    const order: string[] = [];
    const debit = (name: string, cents: number) => uow(async ({ accounts }) => {
      order.push(`${name} start`);
      const a = (await accounts.lock(['a'])).get('a')!;
      await new Promise((resolve) => setImmediate(resolve)); // yield mid-unit
      await accounts.save({ ...a, balanceCents: a.balanceCents - cents });
      order.push(`${name} end`);
    });
    await Promise.all([debit('x', 30), debit('y', 50)]);
    expect(order).toEqual(['x start', 'x end', 'y start', 'y end']);
    const a = await uow(({ accounts }) => accounts.lock(['a']));
    expect(a.get('a')?.balanceCents).toBe(20);
  });

  it('keeps working after a unit fails', async () => {
    const uow = memoryUnitOfWork([{ id: 'a', balanceCents: 100 }]);
    await expect(uow(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await uow(async () => 'next')).toBe('next');
  });
});
