import type { BatchRecord } from "./records.ts";

/**
 * The status of an item, batch, case or pallet, derived when read from the
 * batch records and block time (never written per item: see
 * recall/recall-contract.ts).
 */
export type UnitStatus = "active" | "expired" | "quarantined" | "recalled" | "destroyed";

const SEVERITY: Readonly<Record<UnitStatus, number>> = {
  active: 0,
  expired: 1,
  quarantined: 2,
  recalled: 3,
  destroyed: 4,
};

/** The status of a batch at `nowMs`: destroyed, then recalled, quarantined, expired, active. */
export function batchStatus(batch: BatchRecord, nowMs: number): UnitStatus {
  if (batch.destroyed !== null) return "destroyed";
  if (batch.recall !== null) return "recalled";
  if (batch.quarantine !== null) return "quarantined";
  if (nowMs >= batch.expiryEndMs) return "expired";
  return "active";
}

/** The most severe of several statuses (a pallet is recalled when any batch in it is). */
export function worstStatus(statuses: Iterable<UnitStatus>): UnitStatus {
  let worst: UnitStatus = "active";
  for (const status of statuses) if (SEVERITY[status] > SEVERITY[worst]) worst = status;
  return worst;
}
