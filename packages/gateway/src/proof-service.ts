import { base64ToBytes, bytesToBase64, bytesToHex, CityChainError, ErrorCode, hexToBytes } from "@citychain/protocol";
import type { CityChainClient } from "@citychain/sdk";
import { chainUnavailable } from "./chain-directory.ts";
import { HASH_BYTES } from "./hashes.ts";
import { PROOF_TREE_CACHE_BATCHES_MAX } from "./limits.ts";
import { merkleLevels, proofFromLevels } from "./merkle-levels.ts";
import { decodeReading, type Reading } from "./reading.ts";
import {
  BATCH_READING_PROOF_VERSION,
  type BatchedReadingProof,
  READING_PROOF_VERSION,
  type ReadingProof,
  type ReadingProofBase,
} from "./reading-proof.ts";
import type { BatchRecord, StoredReading } from "./records.ts";
import type { GatewayStore, StoredTx } from "./store.ts";

/** Where a reading stands, for GET /v1/readings/:id. */
export interface ReadingStatus {
  id: string;
  reading: Reading;
  status: "pending" | "anchored" | "dropped";
  batch: number;
  index: number;
  receivedMs: number;
  anchor: { txId: string; height: number; seq: number | null } | null;
}

/** Checks a reading id from a URL: 64 lower-case hex digits. */
export function readingIdParam(id: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(id)) {
    throw new CityChainError(
      { code: ErrorCode.REQUEST_INVALID },
      "a reading id is 64 lower-case hex digits: the SHA-256 leaf hash of the reading's bytes, as POST /v1/readings answered",
    );
  }
  return hexToBytes(id);
}

/**
 * Assembles reading proofs from the store (reading, signature, key, batch
 * leaves) and the chain (the proofs of the anchoring and key-registering
 * transactions, fetched once and kept in the store).
 */
export class ProofService {
  private readonly trees = new Map<number, Uint8Array[][]>();

  constructor(
    private readonly store: GatewayStore,
    private readonly client: CityChainClient,
    private readonly gatewayId: string,
  ) {}

  status(idHex: string): ReadingStatus {
    const { stored, batch } = this.find(idHex);
    const anchor = batch?.status === "anchored" && batch.anchor ? batch.anchor : null;
    return {
      id: idHex,
      reading: decodeReading(stored.bytes),
      status: stored.index < 0 ? "dropped" : anchor ? "anchored" : "pending",
      batch: stored.batch,
      index: stored.index,
      receivedMs: stored.receivedMs,
      anchor: anchor ? { txId: anchor.txId, height: anchor.height, seq: anchor.seq } : null,
    };
  }

  async proof(idHex: string): Promise<ReadingProof> {
    const { stored, batch } = this.find(idHex);
    if (stored.index < 0) {
      throw new CityChainError(
        { code: ErrorCode.GATEWAY_READING_NOT_ANCHORED },
        `reading ${idHex} was taken out of batch ${stored.batch}: device ${stored.deviceId} was revoked on chain before the batch was anchored, so it will never be anchored`,
      );
    }
    if (batch?.status !== "anchored" || !batch.anchor) {
      throw new CityChainError(
        { code: ErrorCode.GATEWAY_READING_NOT_ANCHORED },
        `reading ${idHex} is in batch ${stored.batch}, not anchored yet (${batch?.status ?? "open"}); the gateway anchors a batch every few seconds: ask again shortly`,
      );
    }
    const levels = this.levels(batch);
    const path = proofFromLevels(levels, stored.index);
    const [anchorProof, keyTx] = await Promise.all([this.anchorProof(batch), this.keyTx(stored)]);
    const base: ReadingProofBase = {
      gatewayId: this.gatewayId,
      reading: bytesToBase64(stored.bytes),
      keyIndex: stored.keyIndex,
      deviceKey: {
        alg: stored.alg,
        publicKey: bytesToHex(stored.publicKey),
        tx: { id: stored.keyTxId, proof: bytesToBase64(keyTx.proof), returnValue: bytesToBase64(keyTx.returnValue) },
      },
      merkle: { index: path.index, size: path.size, path: path.path.map(bytesToHex) },
      root: batch.root as string,
      anchor: { txId: batch.anchor.txId, seq: batch.anchor.seq, proof: bytesToBase64(anchorProof) },
    };
    if (!stored.deviceBatch) {
      return { version: READING_PROOF_VERSION, ...base, signature: bytesToBase64(stored.signature) };
    }
    return { version: BATCH_READING_PROOF_VERSION, ...base, deviceBatch: this.deviceBatchPath(stored) };
  }

  /** The path of a reading in its device batch, with the batch's root and signature. */
  private deviceBatchPath(stored: StoredReading): BatchedReadingProof["deviceBatch"] {
    const { no, index } = stored.deviceBatch as NonNullable<StoredReading["deviceBatch"]>;
    const record = this.store.getDeviceBatch(no);
    if (!record) {
      throw new CityChainError(
        { code: ErrorCode.GATEWAY_STORE_INVALID },
        `gateway store: device batch ${no} of reading ${bytesToHex(stored.bytes).slice(0, 16)}... is missing; the data directory is damaged`,
      );
    }
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < record.leaves.length; i += HASH_BYTES) leaves.push(record.leaves.subarray(i, i + HASH_BYTES));
    const path = proofFromLevels(merkleLevels(leaves), index);
    return {
      root: bytesToHex(record.root),
      index: path.index,
      size: path.size,
      path: path.path.map(bytesToHex),
      signature: bytesToBase64(record.signature),
    };
  }

  private find(idHex: string): { stored: StoredReading; batch: BatchRecord | undefined } {
    const stored = this.store.getReading(readingIdParam(idHex));
    if (!stored) {
      throw new CityChainError(
        { code: ErrorCode.GATEWAY_READING_NOT_FOUND },
        `this gateway accepted no reading ${idHex}; check the id (the leaf hash of the reading bytes) and the gateway`,
      );
    }
    return { stored, batch: this.store.getBatch(stored.batch) };
  }

  private levels(batch: BatchRecord): Uint8Array[][] {
    let levels = this.trees.get(batch.no);
    if (!levels) {
      levels = merkleLevels(this.store.batchLeaves(batch.no));
      this.trees.set(batch.no, levels);
      if (this.trees.size > PROOF_TREE_CACHE_BATCHES_MAX) this.trees.delete(this.trees.keys().next().value as number);
    }
    return levels;
  }

  private async anchorProof(batch: BatchRecord): Promise<Uint8Array> {
    const anchor = batch.anchor as NonNullable<BatchRecord["anchor"]>;
    if (anchor.proof) return anchor.proof;
    const tx = await this.fetchTx(anchor.txId, "the anchoring transaction");
    await this.store.putBatch({ ...batch, anchor: { ...anchor, proof: tx.proof } });
    return tx.proof;
  }

  private async keyTx(stored: StoredReading): Promise<StoredTx> {
    const known = this.store.getTx(stored.keyTxId);
    if (known) return known;
    const tx = await this.fetchTx(stored.keyTxId, `the key registration of device ${stored.deviceId}`);
    await this.store.putTx(stored.keyTxId, tx);
    return tx;
  }

  private async fetchTx(id: string, what: string): Promise<StoredTx> {
    try {
      const info = await this.client.getTx(id);
      return { proof: base64ToBytes(info.proofCbor), returnValue: base64ToBytes(info.returnValue) };
    } catch (e) {
      throw chainUnavailable(`fetching the proof of ${what} (${id})`, e);
    }
  }
}
