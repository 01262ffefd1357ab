import { CityChainError, ErrorCode } from "@citychain/protocol";
import type { RangeOptions } from "lmdb";
import { prefixEnd } from "./keys.ts";

/** Resolves a caller's limit against a default and a maximum; over the maximum is an error, not a silent cut. */
export function resolveLimit(limit: number | undefined, defaultLimit: number, maxLimit: number, what: string): number {
  if (limit === undefined) return defaultLimit;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > maxLimit) {
    throw new CityChainError(
      { code: ErrorCode.LEDGER_RANGE_LIMIT_EXCEEDED },
      `${what} limit must be an integer from 0 to ${maxLimit}, got ${limit}`,
    );
  }
  return limit;
}

function maxKey(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Buffer.compare(a, b) >= 0 ? a : b;
}

function minKey(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Buffer.compare(a, b) <= 0 ? a : b;
}

/**
 * Turns [start, end) ∩ prefix into lmdb-js range options, or undefined when
 * the range is empty. lmdb-js's reverse scans begin at `start` and stop at
 * `end`, so a reverse scan swaps the bounds and flips which one is inclusive
 * to keep our meaning: `start` inclusive, `end` exclusive, in both directions.
 */
export function toLmdbRange(
  opts: { start?: Uint8Array; end?: Uint8Array; prefix?: Uint8Array; reverse?: boolean },
  limit: number,
): RangeOptions | undefined {
  let lo = maxKey(opts.start, opts.prefix);
  const hi = minKey(opts.end, opts.prefix === undefined ? undefined : prefixEnd(opts.prefix));
  // No key is below the empty key; lmdb-js would read an empty bound as "no bound".
  if (hi !== undefined && hi.length === 0) return undefined;
  if (lo !== undefined && lo.length === 0) lo = undefined;
  if (lo !== undefined && hi !== undefined && Buffer.compare(lo, hi) >= 0) return undefined;
  // Absent bounds must be absent properties: lmdb-js tests `"start" in options`.
  const range: RangeOptions = { limit };
  const [first, last] = opts.reverse ? [hi, lo] : [lo, hi];
  if (first !== undefined) range.start = first;
  if (last !== undefined) range.end = last;
  if (opts.reverse) Object.assign(range, { reverse: true, exclusiveStart: true, inclusiveEnd: true });
  return range;
}
