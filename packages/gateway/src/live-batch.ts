import { type BatchRecord, zeroCounts } from "./records.ts";

/** A batch not yet anchored, in memory: its record, its leaves in order, and the writes that store them. */
export interface LiveBatch {
  record: BatchRecord;
  /** Reading ids (RFC 6962 leaf hashes), in leaf order. */
  leaves: Uint8Array[];
  devices: Set<string>;
  /** Store commits holding this batch's readings: anchoring waits for them, so only durable readings are anchored. */
  writes: Promise<void>[];
}

export function newBatch(no: number): LiveBatch {
  return {
    record: {
      no,
      status: "open",
      count: 0,
      fromMs: 0,
      toMs: 0,
      devices: [],
      rejected: zeroCounts(),
      root: null,
      tx: null,
      anchor: null,
    },
    leaves: [],
    devices: new Set(),
    writes: [],
  };
}

/** A batch read back from the store after a restart. */
export function restoredBatch(record: BatchRecord, leaves: Uint8Array[]): LiveBatch {
  return { record: { ...record, count: leaves.length }, leaves, devices: new Set(record.devices), writes: [] };
}

/** Appends a reading (its id, device and receive time). */
export function addToBatch(batch: LiveBatch, id: Uint8Array, deviceId: string, receivedMs: number): number {
  const index = batch.leaves.length;
  batch.leaves.push(id);
  if (!batch.devices.has(deviceId)) {
    batch.devices.add(deviceId);
    batch.record.devices.push(deviceId);
  }
  if (index === 0) batch.record.fromMs = receivedMs;
  batch.record.toMs = Math.max(batch.record.toMs, receivedMs);
  batch.record.count = batch.leaves.length;
  return index;
}
