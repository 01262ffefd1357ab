import type { CertSigner } from "@citychain/crypto";
import { bytesToHex, CityChainError, ErrorCode } from "@citychain/protocol";
import { buildSignedTx, type CityChainClient, SUPPLY_CHAIN_CONTRACT, type SubmitResult } from "@citychain/sdk";
import type { Logger } from "pino";
import { ANCHOR_FN, anchorBatchJson } from "./anchor-batch.ts";
import type { DeviceDirectory } from "./device-directory.ts";
import { type BatchHasher, createBatchHasher } from "./hash-pool.ts";
import {
  ANCHOR_COMMIT_WAIT_MS,
  ANCHOR_REJECTED_COUNT_MAX,
  ANCHOR_TX_EXPIRY_HEIGHTS,
  RETRY_DELAY_MS_MAX,
} from "./limits.ts";
import type { LiveBatch } from "./live-batch.ts";
import { addCounts, type BatchRecord, type RejectedCounts, zeroCounts } from "./records.ts";
import type { GatewayStore } from "./store.ts";

export interface AnchorerOptions {
  client: CityChainClient;
  /** Signs the anchoring transactions: an admin, node or device identity of the gateway's operator organisation. */
  identity: CertSigner;
  gatewayId: string;
  store: GatewayStore;
  directory: DeviceDirectory;
  /** Computes batch roots; default on the calling thread. */
  hasher?: BatchHasher;
  /** Told how many readings left the pending set (anchored or dropped). */
  settled: (count: number) => void;
  log: Logger;
  now?: () => number;
}

/** Outcomes after which the same transaction may still commit: keep it and look again. */
const STILL_PENDING: ReadonlySet<string> = new Set([
  ErrorCode.TX_COMMIT_TIMEOUT,
  ErrorCode.TX_DUPLICATE,
  ErrorCode.MEMPOOL_FULL,
  "ACCEPTED",
]);

function clampInto(rejected: RejectedCounts, carry: RejectedCounts): void {
  for (const k of Object.keys(rejected) as (keyof RejectedCounts)[]) {
    const total = rejected[k] + carry[k];
    rejected[k] = Math.min(total, ANCHOR_REJECTED_COUNT_MAX);
    carry[k] = total - rejected[k];
  }
}

/**
 * Anchors sealed batches, one at a time and in order (the contract wants
 * anchors of one gateway in time order): waits until the batch's readings
 * are durable, builds its Merkle tree, signs `Telemetry:Anchor(gatewayId,
 * batchJson)`, stores the signed transaction (so a restart resends or finds
 * the very same one, never a second anchor), submits it and waits for its
 * commit. A batch refused because one of its devices was revoked (or
 * removed) meanwhile loses that device's readings, counted as rejected, and
 * is anchored again; other failures are retried with growing pauses.
 */
export class Anchorer {
  private readonly queue: LiveBatch[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  private retryMs = 100;
  private wake: (() => void) | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  /** Rejections not yet on chain: above the per-anchor bound, or of a batch that lost all its readings. */
  private readonly carry: RejectedCounts = zeroCounts();
  private readonly now: () => number;
  private readonly hasher: BatchHasher;
  /** Anchors committed by this process. */
  anchored = 0;
  lastAnchor: BatchRecord | undefined;
  lastError: string | undefined;

  constructor(private readonly opts: AnchorerOptions) {
    this.now = opts.now ?? Date.now;
    this.hasher = opts.hasher ?? createBatchHasher(0);
  }

  /** Batches sealed and not yet anchored. */
  get queued(): number {
    return this.queue.length;
  }

  enqueue(batch: LiveBatch): void {
    if (this.stopped) return;
    this.queue.push(batch);
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once every batch queued so far is anchored or dropped. */
  drain(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops after the attempt in progress; queued batches stay in the store for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue[0];
      try {
        if (await this.attempt(batch)) {
          this.queue.shift();
          this.retryMs = 100;
          if (this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
          continue;
        }
      } catch (err) {
        this.lastError = (err as Error).message;
        this.opts.log.warn({ err, batch: batch.record.no }, "anchoring failed; retrying");
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.retryMs);
      });
      this.retryMs = Math.min(this.retryMs * 2, RETRY_DELAY_MS_MAX);
    }
  }

  /** One try; true when the batch is done (anchored or dropped). */
  private async attempt(batch: LiveBatch): Promise<boolean> {
    await Promise.all(batch.writes);
    const { client } = this.opts;
    const record = batch.record;
    if (record.tx) {
      // Sent before (by this process or before a restart): it may be on chain already.
      const done = await this.outcomeOnChain(record.tx.id);
      if (done) return this.settle(batch, done);
    } else {
      await this.build(batch);
    }
    const tx = record.tx as NonNullable<BatchRecord["tx"]>;
    const [result] = await client.submitRaw([tx.bytes], { wait: true, timeoutMs: ANCHOR_COMMIT_WAIT_MS });
    if (STILL_PENDING.has(result.code)) {
      this.lastError = `anchor of batch ${record.no}: ${result.code} ${result.message}`;
      return false;
    }
    return this.settle(batch, result);
  }

  /** The result of a transaction the chain has committed, or undefined while it has not. */
  private async outcomeOnChain(txId: string): Promise<SubmitResult | undefined> {
    try {
      const info = await this.opts.client.getTx(txId);
      return {
        id: txId,
        accepted: true,
        code: info.code,
        message: info.message,
        height: info.height,
        index: info.index,
        returnText: info.returnText,
      };
    } catch (e) {
      if (e instanceof CityChainError && e.code === ErrorCode.TX_NOT_FOUND) return undefined;
      throw e;
    }
  }

  /** Hashes the batch, signs its anchoring transaction and stores both before anything is sent. */
  private async build(batch: LiveBatch): Promise<void> {
    const { client, identity, gatewayId, store } = this.opts;
    const record = batch.record;
    clampInto(record.rejected, this.carry);
    record.root = bytesToHex(await this.hasher.rootOf(batch.leaves));
    record.count = batch.leaves.length;
    // Anchors of a gateway may not overlap in time; receive times only go back if the clock does.
    record.fromMs = Math.max(record.fromMs, store.lastAnchoredToMs());
    record.toMs = Math.max(record.toMs, record.fromMs);
    const status = await client.status();
    const built = buildSignedTx(
      {
        chainId: status.chainId,
        contract: SUPPLY_CHAIN_CONTRACT,
        fn: ANCHOR_FN,
        args: [gatewayId, anchorBatchJson(record)],
        expiresAt: status.height + ANCHOR_TX_EXPIRY_HEIGHTS,
      },
      [identity],
    );
    record.tx = { id: built.id, bytes: built.bytes, expiresAt: status.height + ANCHOR_TX_EXPIRY_HEIGHTS };
    await store.putBatch(record);
  }

  /** Acts on a definite outcome of the batch's transaction; true when the batch is done. */
  private async settle(batch: LiveBatch, result: SubmitResult): Promise<boolean> {
    const record = batch.record;
    const txId = record.tx?.id as string;
    if (result.code === "OK" && result.height !== undefined) {
      record.status = "anchored";
      record.anchor = { txId, height: result.height, seq: seqOf(result.returnText), proof: null };
      await this.opts.store.putAnchored(record);
      this.opts.settled(batch.leaves.length);
      batch.leaves = [];
      this.anchored++;
      this.lastAnchor = structuredClone(record);
      this.lastError = undefined;
      this.opts.log.info(
        { batch: record.no, seq: record.anchor.seq, count: record.count, root: record.root, height: result.height },
        "batch anchored",
      );
      return true;
    }
    // The transaction is spent (committed with a failure) or was refused: the next try builds a new one.
    this.lastError = `anchor of batch ${record.no} failed: ${result.code} ${result.message}`;
    this.opts.log.warn({ batch: record.no, code: result.code, message: result.message }, "anchor refused");
    record.tx = null;
    if (result.code === ErrorCode.DEVICE_REVOKED || result.code === ErrorCode.DEVICE_UNKNOWN) {
      return this.dropGoneDevices(batch);
    }
    if (result.code === ErrorCode.TELEMETRY_ANCHOR_REPLAYED) {
      // The chain's last anchor of this gateway ends later than this batch starts: start the span there.
      const end = Number(/before the end \((\d+)\)/.exec(result.message)?.[1] ?? this.now());
      record.fromMs = Math.max(record.fromMs, end);
      record.toMs = Math.max(record.toMs, record.fromMs);
    }
    await this.opts.store.putBatch(record);
    return false;
  }

  /**
   * Takes the readings of devices revoked or unknown on chain out of the
   * batch, counting them as rejected; true if nothing is left to anchor.
   */
  private async dropGoneDevices(batch: LiveBatch): Promise<boolean> {
    const { store, directory } = this.opts;
    const record = batch.record;
    const now = await directory.refresh(record.devices);
    const gone = new Map<string, keyof RejectedCounts>();
    for (const [id, entry] of now) {
      if (entry === null) gone.set(id, "unknownDevice");
      else if (entry.status !== "active") gone.set(id, "revoked");
    }
    if (gone.size === 0) return false;
    const kept: Uint8Array[] = [];
    const dropped: Uint8Array[] = [];
    // The stored readings are in leaf order (the batch's writes are done: attempt() waited for them).
    const deviceOfLeaf = store.batchReadingDevices(record.no);
    for (const [i, id] of batch.leaves.entries()) {
      const device = deviceOfLeaf[i];
      const reason = device === undefined ? undefined : gone.get(device);
      if (reason) {
        record.rejected[reason]++;
        dropped.push(id);
      } else kept.push(id);
    }
    batch.leaves = kept;
    batch.devices = new Set([...batch.devices].filter((d) => !gone.has(d)));
    record.devices = record.devices.filter((d) => !gone.has(d));
    record.count = kept.length;
    if (kept.length === 0) {
      record.status = "dropped";
      addCounts(this.carry, record.rejected);
      record.rejected = zeroCounts();
    }
    await store.rewriteBatch(record, kept, dropped);
    this.opts.settled(dropped.length);
    this.opts.log.warn(
      { batch: record.no, devices: [...gone.keys()], readings: dropped.length },
      "readings of devices revoked before anchoring were taken out of the batch",
    );
    return kept.length === 0;
  }
}

function seqOf(returnText: string | undefined): number | null {
  try {
    const seq = (JSON.parse(returnText ?? "") as { seq?: unknown }).seq;
    return typeof seq === "number" ? seq : null;
  } catch {
    return null;
  }
}
