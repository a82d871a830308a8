import { describe, expect, it } from 'vitest';
import {
  FailoverController, FencedStore, StaleEpochError, type Decision,
} from './failover.ts';

const up = [true, true, true];
const down = [false, false, false];
const policy = { failAfter: 3, recoverAfter: 2, maxLagMs: 5000 };

/** A controller whose standby has proven itself with a small lag. */
function ready() {
  const c = new FailoverController('east', 'west', policy);
  c.observe('west', up, 100);
  c.observe('west', up, 100);
  return c;
}

describe('FailoverController', () => {
  it('fails over only after N failed rounds in a row', () => {
    const c = ready();
    expect(c.observe('east', down)).toEqual({ action: 'stay' });
    expect(c.observe('east', down)).toEqual({ action: 'stay' });
    expect(c.observe('east', down)).toEqual(
      { action: 'fail-over', from: 'east', to: 'west', epoch: 2 });
    expect([c.active, c.epoch]).toEqual(['west', 2]);
  });

  it('a good round resets the count: flapping never fails over', () => {
    const c = ready();
    for (let i = 0; i < 20; i++) {
      expect(c.observe('east', i % 3 === 2 ? up : down).action).toBe('stay');
    }
    expect(c.active).toBe('east');
  });

  it('needs a majority of observers to call a round failed', () => {
    const c = ready();
    for (let i = 0; i < 5; i++) { // one observer cut off from east
      expect(c.observe('east', [false, true, true]).action).toBe('stay');
    }
    expect(c.observe('east', [false, false, true]).action).toBe('stay');
    expect(c.observe('east', [false, false, true]).action).toBe('stay');
    expect(c.observe('east', [false, false, true]).action).toBe('fail-over');
  });

  it('Route 53\'s rule: down only when 18% or fewer see it healthy', () => {
    // Route 53 calls an endpoint healthy while MORE than 18% of checkers
    // do; a downQuorum just under 0.82 gives the same boundary.
    const c = new FailoverController('east', 'west',
      { ...policy, downQuorum: 0.8199 });
    c.observe('west', up, 0);
    c.observe('west', up, 0);
    const votes = (healthy: number) =>
      Array.from({ length: 50 }, (_, i) => i < healthy);
    for (let i = 0; i < 5; i++) { // 10 of 50 healthy: 20%, still healthy
      expect(c.observe('east', votes(10)).action).toBe('stay');
    }
    for (let i = 0; i < 2; i++) c.observe('east', votes(9)); // 18%: down
    expect(c.observe('east', votes(9)).action).toBe('fail-over');
  });

  it('holds when the standby has not passed M rounds in a row', () => {
    const c = new FailoverController('east', 'west', policy);
    c.observe('west', up, 0);
    let d: Decision = { action: 'stay' };
    for (let i = 0; i < 3; i++) d = c.observe('east', down);
    expect(d).toEqual({ action: 'hold', reason: 'west has passed 1 of 2 rounds' });
    expect(c.observe('west', up, 0).action).toBe('fail-over'); // now proven
  });

  it('holds when replication lag exceeds the RPO: a human decides', () => {
    const c = new FailoverController('east', 'west', policy);
    c.observe('west', up, 9000);
    c.observe('west', up, 9000);
    for (let i = 0; i < 2; i++) c.observe('east', down);
    expect(c.observe('east', down)).toEqual({ action: 'hold',
      reason: 'lag 9000 ms > RPO 5000 ms: a human decides' });
    expect(c.active).toBe('east');
    expect(c.observe('west', up, 5000).action).toBe('fail-over'); // at RPO
  });

  it('holds while the standby never reported its lag', () => {
    const c = new FailoverController('east', 'west', policy);
    c.observe('west', up);
    c.observe('west', up);
    for (let i = 0; i < 3; i++) c.observe('east', down);
    expect(c.observe('east', down).action).toBe('hold');
  });

  it('does not flap back: the old primary must re-prove itself', () => {
    const c = ready();
    for (let i = 0; i < 3; i++) c.observe('east', down);
    expect(c.active).toBe('west');
    expect(c.observe('east', up, 10).action).toBe('stay');
    // west now fails, but east has passed only 1 round since it came back
    for (let i = 0; i < 2; i++) c.observe('west', down);
    expect(c.observe('west', down).action).toBe('hold');
    expect(c.observe('east', up, 10)).toEqual(
      { action: 'fail-over', from: 'west', to: 'east', epoch: 3 });
  });

  it('forgets the lag on promotion: the old primary must report anew',
    () => {
      const c = ready();
      for (let i = 0; i < 3; i++) c.observe('east', down);
      c.observe('east', up); // back, but its lag behind west is unknown
      c.observe('east', up);
      for (let i = 0; i < 2; i++) c.observe('west', down);
      expect(c.observe('west', down)).toEqual({ action: 'hold',
        reason: 'lag ? > RPO 5000 ms: a human decides' });
    });

  it('a lag reading counts only for the round that carried it', () => {
    const c = ready(); // west reported 100 ms, twice
    c.observe('west', up); // a later round with no lag: replication state?
    for (let i = 0; i < 2; i++) c.observe('east', down);
    expect(c.observe('east', down)).toEqual({ action: 'hold',
      reason: 'lag ? > RPO 5000 ms: a human decides' });
    expect(c.observe('west', up, 200).action).toBe('fail-over');
  });

  it('a round with a bad lag reading is refused whole, not half-counted',
    () => {
      const c = new FailoverController('east', 'west', policy);
      expect(() => c.observe('west', up, Number.NaN)).toThrow(/lagMs/);
      c.observe('west', up, 0); // the first round that really counts
      for (let i = 0; i < 2; i++) c.observe('east', down);
      expect(c.observe('east', down)).toEqual(
        { action: 'hold', reason: 'west has passed 1 of 2 rounds' });
    });

  it('rejects bad configuration and input', () => {
    expect(() => new FailoverController('a', 'a', policy)).toThrow(/differ/);
    expect(() => new FailoverController('a', 'b', { ...policy, failAfter: 0 }))
      .toThrow(/round counts/);
    expect(() => new FailoverController('a', 'b',
      { ...policy, recoverAfter: 1.5 })).toThrow(/round counts/);
    expect(() => new FailoverController('a', 'b', { ...policy, maxLagMs: -1 }))
      .toThrow(/maxLagMs/);
    expect(() => new FailoverController('a', 'b', { ...policy, downQuorum: 1 }))
      .toThrow(/downQuorum/);
    const c = ready();
    expect(() => c.observe('mars', up)).toThrow(/unknown region "mars"/);
    expect(() => c.observe('east', [])).toThrow(/1-64/);
    expect(() => c.observe('east', Array<boolean>(65).fill(true)))
      .toThrow(/1-64/);
    expect(() => c.observe('west', up, Number.NaN)).toThrow(/lagMs/);
    expect(() => c.observe('west', up, -5)).toThrow(/lagMs/);
  });
});

describe('FencedStore', () => {
  it('refuses a write from a leader that was replaced (split brain)', () => {
    const c = ready();
    const store = new FencedStore<string>();
    const oldLeader = { epoch: c.epoch }; // east read its token: epoch 1
    store.write('order:42', 'created', oldLeader.epoch);
    for (let i = 0; i < 3; i++) c.observe('east', down); // east partitioned
    store.write('order:42', 'paid', c.epoch); // west leads with epoch 2
    // east wakes up from a long pause and finishes its write
    expect(() => store.write('order:42', 'cancelled', oldLeader.epoch))
      .toThrow(StaleEpochError);
    expect(store.read('order:42')).toBe('paid');
  });

  it('promotion fences storage before the new leader writes anything', () => {
    const c = ready();
    const store = new FencedStore<string>();
    store.write('order:42', 'created', 1); // east leads with epoch 1
    let d: Decision = { action: 'stay' };
    for (let i = 0; i < 3; i++) d = c.observe('east', down);
    if (d.action !== 'fail-over') throw new Error('expected a fail-over');
    store.fence(d.epoch); // the promotion step, before west takes traffic
    // west has not written yet; east, still running, must be refused
    expect(() => store.write('order:42', 'cancelled', 1))
      .toThrow(StaleEpochError);
    expect(store.read('order:42')).toBe('created');
  });

  it('an epoch can be fenced once: a restarted controller cannot reuse it',
    () => {
      const store = new FencedStore<string>();
      store.fence(2); // west promoted with epoch 2
      // a controller that lost its state counts from 1 again and mints 2
      expect(() => store.fence(2))
        .toThrow('fence with epoch 2 refused: epoch 2 is taken');
      expect(() => store.fence(1)).toThrow(StaleEpochError);
      store.fence(3);
      expect(() => store.fence(Number.NaN)).toThrow(/epoch must be/);
    });

  it('once a higher epoch wrote, every lower one stays refused', () => {
    const store = new FencedStore<number>();
    store.write('k', 1, 3);
    store.write('k', 2, 3); // the same leader keeps writing
    expect(() => store.write('other', 9, 2))
      .toThrow('write with epoch 2 refused: epoch 3 is taken');
    expect(store.read('other')).toBeUndefined();
    store.write('k', 4, 7);
    expect(() => store.write('k', 5, 3)).toThrow(StaleEpochError);
  });

  it('rejects epochs that are not whole numbers >= 1', () => {
    const store = new FencedStore<number>();
    for (const e of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => store.write('k', 1, e)).toThrow(/epoch must be/);
    }
  });
});
