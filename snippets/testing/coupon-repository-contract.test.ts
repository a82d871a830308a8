// The contract runs where it is used, against the fake
// (in-memory-coupons.test.ts) and against PostgreSQL (coupon-store.test.ts);
// removing the fake's uniqueness check turns its duplicate test red. Here:
// the fixture is a coupon the pricing rules accept, so the contract's
// failures are about the repository, never about bad test data.
import { describe, expect, it } from 'vitest';
import { applyCoupon } from './coupon.ts';
import { CONTRACT_COUPON } from './coupon-repository-contract.ts';

describe('the contract fixture', () => {
  it('is a valid coupon before its expiry and limited to 2 uses', () => {
    expect(applyCoupon(CONTRACT_COUPON, 5000,
      new Date('2026-08-01T00:00:00Z')).ok).toBe(true);
    expect(CONTRACT_COUPON.maxRedemptions).toBe(2);
  });
});
