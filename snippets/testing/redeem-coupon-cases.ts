/**
 * The unit test of redeemCoupon, as data: each row sets up a world (coupons,
 * earlier redemptions, the instant), redeems, and says what the caller sees
 * and what ends up stored. redeem-coupon-cases.test.ts runs one Vitest test
 * per row with `it.each`. The rows talk about behaviour only: none of them
 * says which repository method is called, or how often.
 */
import { InMemoryCoupons } from './in-memory-coupons.ts';
import type {
  RedeemDeps, RedeemInput, RedeemResult, StoredCoupon,
} from './redeem-coupon.ts';

const SUMMER10: StoredCoupon = {
  code: 'SUMMER10', kind: 'percent', value: 10, minSubtotalCents: 2000,
  expiresAt: new Date('2026-09-01T00:00:00Z'), maxRedemptions: 2,
};

// #region harness
const NOW = '2026-08-15T12:00:00Z';

/** A world for one test: a fake repository and a clock frozen at `at`. */
export function world({ coupons = [SUMMER10], usedBy = [], at = NOW }: {
  coupons?: StoredCoupon[]; usedBy?: string[]; at?: string;
} = {}) {
  const repo = new InMemoryCoupons(coupons);
  const deps: RedeemDeps = { coupons: repo, now: () => new Date(at) };
  const seeded = Promise.all(usedBy.map((userId) => repo.recordRedemption({
    code: 'SUMMER10', userId, orderId: `old-${userId}`,
    discountCents: 100, redeemedAt: new Date('2026-08-01T00:00:00Z') })));
  return { deps, repo, seeded };
}
// #endregion harness

export interface RedeemCase {
  name: string;
  given?: Parameters<typeof world>[0];
  input?: Partial<RedeemInput>;
  want: RedeemResult;
  /** How many redemptions of SUMMER10 are stored afterwards. */
  stored: number;
}

export const INPUT: RedeemInput = {
  code: 'SUMMER10', userId: 'ana', orderId: 'o-1', subtotalCents: 5000,
};

// #region cases
const OK = { ok: true, code: 'SUMMER10', discountCents: 500,
  totalCents: 4500 } as const;

export const redeemCases: RedeemCase[] = [
  { name: 'redeems and records it', want: OK, stored: 1 },
  { name: 'code is trimmed, any case', input: { code: ' summer10 ' },
    want: OK, stored: 1 },
  { name: 'unknown code', input: { code: 'WINTER' },
    want: { ok: false, reason: 'unknown-code' }, stored: 0 },
  { name: 'malformed code', input: { code: "x' OR 1=1" },
    want: { ok: false, reason: 'unknown-code' }, stored: 0 },
  { name: 'expired at the instant', given: { at: '2026-09-01T00:00:00Z' },
    want: { ok: false, reason: 'expired' }, stored: 0 },
  { name: 'under the minimum', input: { subtotalCents: 1999 },
    want: { ok: false, reason: 'below-minimum' }, stored: 0 },
  { name: 'second use by the same user', given: { usedBy: ['ana'] },
    want: { ok: false, reason: 'already-redeemed' }, stored: 1 },
  { name: 'limit reached', given: { usedBy: ['bo', 'cy'] },
    want: { ok: false, reason: 'sold-out' }, stored: 2 },
  { name: 'last one left', given: { usedBy: ['bo'] }, want: OK, stored: 2 },
];
// #endregion cases
