import type { Context } from "@citychain/contract-api";

/**
 * Block time in milliseconds: the only clock a contract has (Fabric's
 * transaction timestamp, set by the block, the same on every validator).
 */
export function blockTimeMs(ctx: Context): number {
  const { seconds, nanos } = ctx.stub.getTxTimestamp();
  return seconds.toNumber() * 1000 + Math.floor(nanos / 1_000_000);
}

/** An instant as xsd:dateTime in UTC ("2024-03-01T10:00:00.000Z"); `new Date(ms)` is deterministic. */
export function isoOfMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** The UTC calendar year of an instant (the reference year of GS1 two-digit years). */
export function utcYearOfMs(ms: number): number {
  return new Date(ms).getUTCFullYear();
}
