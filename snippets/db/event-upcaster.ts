/**
 * Versioned event schemas with upcasting: stored events are never
 * rewritten; a reader turns any version it knows into the latest one, step
 * by step (v1 -> v2 -> v3), and refuses a version newer than it knows.
 */
import { z } from 'zod';

// #region versions
// v1: the total as a decimal string of dollars, e.g. "12.50".
const V1 = z.object({ type: z.literal('OrderPlaced'), version: z.literal(1),
  orderId: z.string().min(1), total: z.string().regex(/^\d{1,12}\.\d{2}$/),
  customer: z.string().min(1) });
// v2: integer cents, so no float ever touches money.
const V2 = z.object({ type: z.literal('OrderPlaced'), version: z.literal(2),
  orderId: z.string().min(1), totalCents: z.number().int().nonnegative(),
  customer: z.string().min(1) });
// v3: an explicit currency; every order before v3 was in USD.
const V3 = z.object({ type: z.literal('OrderPlaced'), version: z.literal(3),
  orderId: z.string().min(1), customer: z.string().min(1),
  amount: z.object({ cents: z.number().int().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/) }) });
export type OrderPlacedV1 = z.infer<typeof V1>;
export type OrderPlacedV2 = z.infer<typeof V2>;
export type OrderPlacedV3 = z.infer<typeof V3>;
type AnyVersion = OrderPlacedV1 | OrderPlacedV2 | OrderPlacedV3;
// #endregion versions

// #region upcast
const SCHEMAS = [V1, V2, V3] as const; // index = version - 1
export const LATEST: number = SCHEMAS.length;

/** Each step turns version n into n + 1 and knows nothing else. */
const UP: ((e: AnyVersion) => AnyVersion)[] = [
  (e) => {
    const { total, ...rest } = e as OrderPlacedV1;
    const [dollars, cents] = total.split('.'); // no parseFloat on money
    const totalCents = Number(dollars) * 100 + Number(cents);
    return { ...rest, version: 2, totalCents };
  },
  (e) => {
    const { totalCents, ...rest } = e as OrderPlacedV2;
    return { ...rest, version: 3,
      amount: { cents: totalCents, currency: 'USD' } };
  },
];

export class UnknownVersionError extends Error {}

/**
 * Parses a stored event and upcasts it to `target`, the newest version
 * this reader was built for. A newer event is refused, not guessed at.
 */
export function upcast(json: string, target = LATEST): AnyVersion {
  if (!Number.isInteger(target) || target < 1 || target > LATEST) {
    throw new RangeError(`target must be a version 1-${LATEST}`);
  }
  if (json.length > 65_536 || Buffer.byteLength(json) > 65_536) {
    throw new RangeError('event over 64 KiB'); // before parsing anything
  }
  const raw: unknown = JSON.parse(json);
  const version = (raw as { version?: unknown } | null)?.version;
  if (!Number.isInteger(version) || (version as number) < 1) {
    throw new TypeError('event has no integer version >= 1');
  }
  const v = version as number;
  if (v > target) {
    throw new UnknownVersionError(`OrderPlaced v${v} is newer than this `
      + `reader (v1-v${target}): upgrade readers before writers`);
  }
  let event = SCHEMAS[v - 1]!.parse(raw) as AnyVersion; // drops extras
  for (let n = v; n < target; n++) event = UP[n - 1]!(event);
  return event;
}

/** What the current code calls: always the latest shape. */
export const readOrderPlaced = (json: string) =>
  upcast(json, LATEST) as OrderPlacedV3;
// #endregion upcast

if (import.meta.main) {
  const stored = [
    '{"type":"OrderPlaced","version":1,"orderId":"o-1","total":"12.50",'
      + '"customer":"c-7"}',
    '{"type":"OrderPlaced","version":2,"orderId":"o-2","totalCents":990,'
      + '"customer":"c-7"}',
    '{"type":"OrderPlaced","version":3,"orderId":"o-3","customer":"c-8",'
      + '"amount":{"cents":4000,"currency":"EUR"}}',
    '{"type":"OrderPlaced","version":4,"orderId":"o-4"}',
  ];
  for (const json of stored) {
    try {
      const e = readOrderPlaced(json);
      console.log(`${e.orderId}: ${e.amount.cents} ${e.amount.currency}`);
    } catch (error) {
      console.log(`refused: ${(error as Error).message}`);
    }
  }
  try {
    upcast(stored[2]!, 2); // a reader deployed before v3 existed
  } catch (error) {
    console.log(`old reader: ${(error as Error).message}`);
  }
}
