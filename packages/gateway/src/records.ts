import type { SignatureAlgorithm } from "@citychain/protocol";

/** Readings a gateway refused, by reason: the `rejected` of the Telemetry contract's anchor. */
export interface RejectedCounts {
  unknownDevice: number;
  revoked: number;
  badSignature: number;
  replayed: number;
}

export function zeroCounts(): RejectedCounts {
  return { unknownDevice: 0, revoked: 0, badSignature: 0, replayed: 0 };
}

export function addCounts(into: RejectedCounts, more: RejectedCounts): void {
  into.unknownDevice += more.unknownDevice;
  into.revoked += more.revoked;
  into.badSignature += more.badSignature;
  into.replayed += more.replayed;
}

/** An accepted reading as the gateway stores it: enough to prove it later. */
export interface StoredReading {
  /** The reading's canonical bytes, as the device signed them. */
  bytes: Uint8Array;
  /**
   * The device's signature: over "citychain/reading/v1\n" || bytes for a
   * single reading; over "citychain/reading-batch/v1\n" || root for a reading
   * of a device batch (the batch's one signature, kept with the batch).
   */
  signature: Uint8Array;
  keyIndex: number;
  deviceId: string;
  seq: number;
  /** The device key that verified the signature, and the transaction that registered it. */
  alg: SignatureAlgorithm;
  publicKey: Uint8Array;
  keyTxId: string;
  /** Where it is: batch number (the gateway's own, from 1) and leaf index (-1: taken out, its device was revoked before anchoring). */
  batch: number;
  index: number;
  receivedMs: number;
  /** Set for a reading that came in a signed device batch: the batch's number in the store and the reading's leaf in it. */
  deviceBatch?: { no: number; index: number };
}

/**
 * A signed device batch with at least one accepted reading: what proves its
 * readings (the root's signature, and the leaves for the paths).
 */
export interface DeviceBatchRecord {
  /** The gateway's number for it, from 1. */
  no: number;
  deviceId: string;
  alg: SignatureAlgorithm;
  publicKey: Uint8Array;
  keyIndex: number;
  keyTxId: string;
  /** The device's signature over "citychain/reading-batch/v1\n" || root. */
  signature: Uint8Array;
  root: Uint8Array;
  /** The leaf hashes of all its readings as sent (refused ones too: the root covers them), 32 bytes each. */
  leaves: Uint8Array;
}

/**
 * - `open`: taking readings;
 * - `sealed`: closed, waiting to be anchored (its anchoring transaction may be in flight: `tx`);
 * - `anchored`: its root is on chain (`anchor`);
 * - `dropped`: every reading in it came from devices revoked before it could be anchored.
 */
export type BatchStatus = "open" | "sealed" | "anchored" | "dropped";

/** One batch: the readings of one anchoring window. */
export interface BatchRecord {
  no: number;
  status: BatchStatus;
  count: number;
  /** The gateway's receive times of its first and last reading (the anchor's time span). */
  fromMs: number;
  toMs: number;
  devices: string[];
  /** Readings refused while this batch was open; they go on chain with its anchor. */
  rejected: RejectedCounts;
  /** Merkle root (hex), once sealed and hashed. */
  root: string | null;
  /** The anchoring transaction, built and stored before it is sent (so a restart finds it). */
  tx: { id: string; bytes: Uint8Array; expiresAt: number } | null;
  anchor: { txId: string; height: number; seq: number | null; proof: Uint8Array | null } | null;
}
