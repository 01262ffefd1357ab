import type { BatchRecord } from "./records.ts";

/** The contract function that anchors a batch (of the `supplychain` contract). */
export const ANCHOR_FN = "Telemetry:Anchor";

/** The `batchJson` argument of Telemetry:Anchor: the contract's AnchorBatch. */
export function anchorBatchJson(record: BatchRecord): string {
  return JSON.stringify({
    root: record.root,
    count: record.count,
    fromMs: record.fromMs,
    toMs: record.toMs,
    devices: record.devices,
    rejected: record.rejected,
  });
}
