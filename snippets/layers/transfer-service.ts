/**
 * A service layer for money transfers. The service owns the interfaces it
 * needs from storage (the ports); PostgreSQL (pg-repositories.ts) and an
 * in-memory fake (memory-repositories.ts) implement them, and the service
 * imports neither. One `UnitOfWork` call is one transaction that spans the
 * account and transfer repositories.
 * @see https://martinfowler.com/eaaCatalog/serviceLayer.html
 * @see https://martinfowler.com/eaaCatalog/repository.html
 * @see https://martinfowler.com/eaaCatalog/unitOfWork.html
 */
import { z } from 'zod';

// #region ports
export interface Account { id: string; balanceCents: number }
export interface Transfer {
  reference: string; from: string; to: string; amountCents: number; at: Date;
}

export interface AccountRepository {
  /** The accounts that exist among `ids`, locked until the unit ends. */
  lock(ids: string[]): Promise<Map<string, Account>>;
  save(account: Account): Promise<void>;
}
export interface TransferRepository {
  /** Throws DuplicateReferenceError if the reference is taken. */
  add(transfer: Transfer): Promise<void>;
  find(reference: string): Promise<Transfer | undefined>;
}
export interface Repositories {
  accounts: AccountRepository;
  transfers: TransferRepository;
}
/** Runs `work` as one transaction: all of its writes commit, or none. */
export type UnitOfWork =
  <T>(work: (repos: Repositories) => Promise<T>) => Promise<T>;

export class DuplicateReferenceError extends Error {
  constructor(reference: string, options?: ErrorOptions) {
    super(`transfer reference ${reference} is already used`, options);
    this.name = 'DuplicateReferenceError';
  }
}
// #endregion ports

/** Largest single transfer: 1,000,000.00 in cents. */
export const MAX_TRANSFER_CENTS = 100_000_000;
const ID = /^[\w-]{1,64}$/;

const transferInput = z.strictObject({
  reference: z.string().regex(ID, 'must be 1-64 letters, digits, _ or -'),
  from: z.string().regex(ID, 'must be an account id'),
  to: z.string().regex(ID, 'must be an account id'),
  amountCents: z.int().min(1).max(MAX_TRANSFER_CENTS),
}).refine((t) => t.from !== t.to,
  { message: 'must differ from "from"', path: ['to'] });

// #region service
export type TransferResult =
  | { ok: true; transfer: Transfer }
  | { ok: false; error: 'invalid-input'; issues: string[] }
  | { ok: false; error: 'account-not-found'; accountId: string }
  | { ok: false; error: 'insufficient-funds'; balanceCents: number }
  | { ok: false; error: 'duplicate-reference' };

export function transferService(deps: {
  unitOfWork: UnitOfWork;
  now: () => Date;
}) {
  return {
    async transfer(input: unknown): Promise<TransferResult> {
      const parsed = transferInput.safeParse(input);
      if (!parsed.success) {
        return { ok: false, error: 'invalid-input', issues: parsed.error
          .issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`) };
      }
      const { reference, from, to, amountCents } = parsed.data;
      try {
        return await deps.unitOfWork(async ({ accounts, transfers }) => {
          // Every check runs before the first write, so a refusal
          // returned here commits nothing.
          const found = await accounts.lock([from, to]);
          const source = found.get(from);
          const target = found.get(to);
          if (!source || !target) return { ok: false,
            error: 'account-not-found', accountId: source ? to : from };
          if (source.balanceCents < amountCents) return { ok: false,
            error: 'insufficient-funds', balanceCents: source.balanceCents };
          await accounts.save({ ...source,
            balanceCents: source.balanceCents - amountCents });
          await accounts.save({ ...target,
            balanceCents: target.balanceCents + amountCents });
          const transfer = { reference, from, to, amountCents,
            at: deps.now() };
          await transfers.add(transfer); // may throw: undoes both saves
          return { ok: true, transfer };
        });
      } catch (error) {
        if (error instanceof DuplicateReferenceError) {
          return { ok: false, error: 'duplicate-reference' };
        }
        throw error; // a broken database is not a domain outcome
      }
    },
  };
}
// #endregion service
