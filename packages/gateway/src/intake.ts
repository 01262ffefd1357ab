import { type VerifyJob, verifySignature } from "@citychain/crypto";
import { bytesToHex, CityChainError, ErrorCode } from "@citychain/protocol";
import { readingBatchSignBytes, type SignedReadingBatch } from "./device-batch.ts";
import type { DeviceDirectory, DeviceLookup } from "./device-directory.ts";
import type { DeviceEntry } from "./device-entry.ts";
import { readingSignBytes, type SignedReading } from "./device-signer.ts";
import { type BatchHasher, createBatchHasher, type HashedBatch } from "./hash-pool.ts";
import { leafHashOf } from "./hashes.ts";
import {
  BATCH_DEVICES_MAX,
  BATCH_READINGS_MAX,
  DEVICE_BATCH_READINGS_MAX,
  DEVICE_CACHE_ENTRIES_MAX,
  PENDING_READINGS_MAX,
  VERIFY_HERE_JOBS_MAX,
} from "./limits.ts";
import { addToBatch, type LiveBatch, newBatch, restoredBatch } from "./live-batch.ts";
import { decodeReadingHead } from "./reading.ts";
import type { ReadingHead } from "./reading-decoder.ts";
import { type BatchRecord, type DeviceBatchRecord, type RejectedCounts, zeroCounts } from "./records.ts";
import type { SignatureChecker } from "./signature-checker.ts";
import type { AcceptedReading, GatewayStore } from "./store.ts";

/** Why a reading was refused: the first four are counted on chain with the next anchor. */
export type RejectionCode =
  | typeof ErrorCode.DEVICE_UNKNOWN
  | typeof ErrorCode.DEVICE_REVOKED
  | typeof ErrorCode.GATEWAY_SIGNATURE_INVALID
  | typeof ErrorCode.GATEWAY_READING_REPLAYED
  | typeof ErrorCode.GATEWAY_READING_INVALID;

/** The answer for one reading. */
export type ReadingOutcome =
  | { accepted: true; code: "OK"; id: string; batch: number; index: number }
  | { accepted: false; code: RejectionCode; id?: string; message: string };

const COUNTED: Partial<Record<RejectionCode, keyof RejectedCounts>> = {
  [ErrorCode.DEVICE_UNKNOWN]: "unknownDevice",
  [ErrorCode.DEVICE_REVOKED]: "revoked",
  [ErrorCode.GATEWAY_SIGNATURE_INVALID]: "badSignature",
  [ErrorCode.GATEWAY_READING_REPLAYED]: "replayed",
};

/** Throws CONFIG_INVALID unless `n` is a usable batch size (1 to BATCH_READINGS_MAX). */
export function checkBatchReadingsMax(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > BATCH_READINGS_MAX) {
    throw new CityChainError(
      { code: ErrorCode.CONFIG_INVALID },
      `batchReadingsMax must be a whole number from 1 to ${BATCH_READINGS_MAX}; got ${n}`,
    );
  }
}

/** Totals since the gateway started. */
export interface IntakeTotals {
  accepted: number;
  rejected: RejectedCounts;
  /** Readings that were not readings (bytes, fields): not counted on chain, whose anchor has no field for them. */
  invalid: number;
}

export interface IntakeOptions {
  store: GatewayStore;
  directory: DeviceDirectory;
  checker: SignatureChecker;
  /** Hashes device batches (leaves and root); default on the calling thread. */
  hasher?: BatchHasher;
  /** A batch is sealed when it holds this many readings; at most BATCH_READINGS_MAX. */
  batchReadingsMax: number;
  /** Readings accepted and not yet anchored before intake refuses more; default PENDING_READINGS_MAX. */
  pendingReadingsMax?: number;
  /** Called with each sealed batch, once the writes of its readings are issued. */
  onSealed: (batch: LiveBatch) => void;
  now?: () => number;
}

/** A reading as a request carried it: signed, or unusable as sent (`problem` says why). */
export type ReadingInput = SignedReading | { problem: string };

/**
 * A device batch as a request carried it, or unusable as sent: `problem`
 * says why, and `readings` how many answers it gets (one per element of its
 * readings list, at least one).
 */
export type ReadingBatchInput = SignedReadingBatch | { problem: string; readings: number };

/** One request: single signed readings, then signed device batches. */
export interface IntakeRequest {
  readings?: readonly ReadingInput[];
  batches?: readonly ReadingBatchInput[];
}

/** The answers of a request, in its order: one per single reading, and per reading of each device batch. */
export interface IntakeAnswer {
  readings: ReadingOutcome[];
  batches: ReadingOutcome[][];
}

/** Readings under one signature: a single reading, or a device batch. */
interface SignedGroup {
  /** The device that signed (a batch names it; a single reading's is in its bytes). */
  deviceId: string;
  keyIndex: number;
  signature: Uint8Array;
  /** What the signature covers. */
  message: () => Uint8Array;
  items: Pending[];
  /** Device batches: the root, the leaves (packed) and, once a reading is accepted, the record to store. */
  batch?: { root: Uint8Array; packed: Uint8Array; record?: DeviceBatchRecord };
  device?: DeviceEntry;
}

/** One reading on its way through a request. */
interface Pending {
  bytes: Uint8Array;
  id?: Uint8Array;
  head?: ReadingHead;
  group?: SignedGroup;
  /** Its leaf in its device batch. */
  leaf: number;
  outcome?: ReadingOutcome;
}

function rejection(code: RejectionCode, message: string, id?: Uint8Array): ReadingOutcome {
  return id ? { accepted: false, code, message, id: bytesToHex(id) } : { accepted: false, code, message };
}

function invalidItem(message: string): Pending {
  return { bytes: new Uint8Array(0), leaf: 0, outcome: rejection(ErrorCode.GATEWAY_READING_INVALID, message) };
}

/** True when a batch has 1 to DEVICE_BATCH_READINGS_MAX readings. */
function usableSize(b: SignedReadingBatch): boolean {
  return b.readings.length > 0 && b.readings.length <= DEVICE_BATCH_READINGS_MAX;
}

/** Readings a request input carries (a malformed batch gets the answers its `readings` says). */
function readingsIn(b: ReadingBatchInput): number {
  return "problem" in b ? Math.max(1, b.readings) : b.readings.length;
}

/**
 * Takes signed readings in, decides each one, and files the accepted ones
 * into the open batch. A reading comes alone (its own signature) or in a
 * device batch (one signature over the Merkle root of the batch's
 * readings). Per reading, in this order: it decodes (canonical CBOR,
 * bounded; in a batch, of the batch's device), its device is registered
 * and not revoked (the directory), its seq is above the device's last
 * accepted one, and its signature (the reading's, or its batch's) verifies
 * with the named key of the device. Refusals are answered with their code
 * and counted; they go on chain with the batch that was open. The seq check
 * is done twice: before verification (to spend no signature check on a
 * replay) and after it, in one synchronous pass that also files the
 * reading, so two requests racing with the same seq cannot both win. A
 * reading is answered only after it and its device's new seq are durable.
 */
export class ReadingIntake {
  readonly totals: IntakeTotals = { accepted: 0, rejected: zeroCounts(), invalid: 0 };
  private open: LiveBatch;
  /** Readings in batches not yet anchored (or dropped). */
  private pending = 0;
  /** Seqs accepted but maybe not yet durable; they win over the settled ones. */
  private readonly unsettledSeqs = new Map<string, number>();
  /** Durable seqs read from or written to the store, bounded; the store answers for the others. */
  private readonly settledSeqs = new Map<string, number>();
  private readonly now: () => number;
  private readonly hasher: BatchHasher;

  private constructor(
    private readonly opts: IntakeOptions,
    open: LiveBatch,
  ) {
    checkBatchReadingsMax(opts.batchReadingsMax);
    this.open = open;
    this.now = opts.now ?? Date.now;
    this.hasher = opts.hasher ?? createBatchHasher(0);
    opts.store.trackLeaves(open.record.no, open.leaves);
  }

  /**
   * Opens intake over the store: batches left open or sealed by an earlier
   * run are handed to `onSealed` again (the last open one stays open).
   */
  static restore(opts: IntakeOptions): ReadingIntake {
    const { store } = opts;
    const unfinished = store.unfinishedBatches().map((r) => {
      const leaves = store.batchLeaves(r.no);
      const devices = r.status === "open" ? store.batchReadingDevices(r.no) : r.devices;
      return restoredBatch({ ...r, devices: [...new Set(devices)] }, leaves);
    });
    const last = unfinished[unfinished.length - 1];
    const lastNo = store.lastBatchNo();
    const keepOpen = last !== undefined && last.record.status === "open" && last.record.no === lastNo;
    const intake = new ReadingIntake(opts, keepOpen ? last : newBatch(lastNo + 1));
    for (const b of keepOpen ? unfinished.slice(0, -1) : unfinished) {
      b.record.status = "sealed";
      // The index of a batch sealed just before a stop may not have been written.
      b.writes.push(indexWhenStored(store, b));
      intake.pending += b.leaves.length;
      opts.onSealed(b);
    }
    if (keepOpen) intake.pending += last.leaves.length;
    return intake;
  }

  /** Readings accepted and not yet anchored. */
  get pendingReadings(): number {
    return this.pending;
  }

  /** The open batch's record (a copy). */
  get openBatch(): BatchRecord {
    return structuredClone(this.open.record);
  }

  /** Tells intake that `count` readings of a sealed batch were anchored or dropped. */
  settled(count: number): void {
    this.pending -= count;
  }

  /**
   * Seals the open batch if it holds any reading (the anchoring timer calls
   * this); rejections counted meanwhile stay with the next batch that has one.
   */
  seal(): void {
    if (this.open.leaves.length === 0) return;
    const sealed = this.sealOpen();
    sealed.writes.push(this.opts.store.putBatch(sealed.record));
    this.handOver(sealed);
  }

  /** Decides single signed readings; answers in input order. */
  async submit(inputs: readonly ReadingInput[]): Promise<ReadingOutcome[]> {
    return (await this.submitRequest({ readings: inputs })).readings;
  }

  /** Decides signed device batches; answers per batch, per reading, in input order. */
  async submitBatches(batches: readonly ReadingBatchInput[]): Promise<ReadingOutcome[][]> {
    return (await this.submitRequest({ batches })).batches;
  }

  /** Decides every reading of a request (its single readings first, then its device batches). */
  async submitRequest(request: IntakeRequest): Promise<IntakeAnswer> {
    const singles = request.readings ?? [];
    const batches = request.batches ?? [];
    let count = singles.length;
    for (const b of batches) count += readingsIn(b);
    const pendingMax = this.opts.pendingReadingsMax ?? PENDING_READINGS_MAX;
    if (this.pending + count > pendingMax) {
      throw new CityChainError(
        { code: ErrorCode.GATEWAY_BACKLOG_FULL },
        `${this.pending} readings are waiting to be anchored (at most ${pendingMax}); anchoring is behind, probably because the chain is unreachable: retry later`,
      );
    }
    const single = singles.map((input) => this.decodeSingle(input));
    const usable: SignedReadingBatch[] = [];
    for (const b of batches) if (!("problem" in b) && usableSize(b)) usable.push(b);
    const hashed = usable.length > 0 ? await this.hasher.hashBatches(usable.map((b) => b.readings)) : [];
    const hashes = new Map(usable.map((b, i) => [b, hashed[i]]));
    const grouped = batches.map((input) => this.decodeBatch(input, hashes));
    const groups: SignedGroup[] = [];
    for (const p of single) if (p.group) groups.push(p.group);
    // A batch none of whose readings decoded as its device's costs no device lookup.
    for (const g of grouped) if (!Array.isArray(g) && g.items.some((p) => !p.outcome)) groups.push(g);
    const ids = [...new Set(groups.map((g) => g.deviceId))];
    const devices = ids.length > 0 ? await this.opts.directory.lookup(ids) : new Map();
    const jobs: VerifyJob[] = [];
    const verifying: SignedGroup[] = [];
    for (const g of groups) {
      const job = this.precheck(g, devices);
      if (job) {
        jobs.push(job);
        verifying.push(g);
      }
    }
    const valid = await this.verify(jobs);
    verifying.forEach((g, i) => {
      if (!valid[i]) this.refuseGroup(g, ErrorCode.GATEWAY_SIGNATURE_INVALID, badSignatureMessage(g));
    });
    const all: Pending[] = [...single];
    const batchItems = grouped.map((g) => (Array.isArray(g) ? g : g.items));
    for (const items of batchItems) for (const p of items) all.push(p);
    await this.fileAll(all);
    const answer = (p: Pending) => p.outcome as ReadingOutcome;
    return { readings: single.map(answer), batches: batchItems.map((items) => items.map(answer)) };
  }

  /**
   * Checks the request's signatures: on the checker (the worker pool), or
   * here when there are only a few (a request of device batches needs one per
   * batch, and handing one to a worker costs more than checking it).
   */
  private async verify(jobs: readonly VerifyJob[]): Promise<boolean[]> {
    if (jobs.length === 0) return [];
    if (jobs.length <= VERIFY_HERE_JOBS_MAX) {
      return jobs.map((j) => verifySignature(j.alg, j.publicKey, j.message, j.signature));
    }
    return this.opts.checker.verify(jobs);
  }

  private decodeSingle(input: ReadingInput): Pending {
    if ("problem" in input) return invalidItem(input.problem);
    const p: Pending = { bytes: input.reading, leaf: 0 };
    try {
      p.head = decodeReadingHead(input.reading);
      p.id = leafHashOf(input.reading);
    } catch (e) {
      p.outcome = rejection(ErrorCode.GATEWAY_READING_INVALID, (e as Error).message);
      return p;
    }
    p.group = {
      deviceId: p.head.deviceId,
      keyIndex: input.keyIndex,
      signature: input.signature,
      message: () => readingSignBytes(input.reading),
      items: [p],
    };
    return p;
  }

  /** A device batch's group (leaves, root, each reading decoded and of the batch's device), or its refused items. */
  private decodeBatch(
    input: ReadingBatchInput,
    hashes: ReadonlyMap<ReadingBatchInput, HashedBatch>,
  ): SignedGroup | Pending[] {
    if ("problem" in input)
      return Array.from({ length: Math.max(1, input.readings) }, () => invalidItem(input.problem));
    const n = input.readings.length;
    const hashed = hashes.get(input);
    if (!hashed) {
      const message = `a device batch carries 1 to ${DEVICE_BATCH_READINGS_MAX} readings; this one ${n}`;
      return Array.from({ length: Math.max(1, n) }, () => invalidItem(message));
    }
    const { packed, leaves, root } = hashed;
    const hint = { id: input.deviceId, bytes: Buffer.from(input.deviceId, "utf8") };
    const group: SignedGroup = {
      deviceId: input.deviceId,
      keyIndex: input.keyIndex,
      signature: input.signature,
      message: () => readingBatchSignBytes(root),
      items: new Array(n),
      batch: { root, packed },
    };
    for (let i = 0; i < n; i++) {
      const bytes = input.readings[i];
      const p: Pending = { bytes, id: leaves[i], leaf: i, group };
      try {
        p.head = decodeReadingHead(bytes, hint);
        if (p.head.deviceId !== input.deviceId) {
          p.outcome = rejection(
            ErrorCode.GATEWAY_READING_INVALID,
            `reading ${i} of the batch is of device ${p.head.deviceId}; a batch of ${input.deviceId} carries its readings only`,
            p.id,
          );
        }
      } catch (e) {
        p.outcome = rejection(ErrorCode.GATEWAY_READING_INVALID, (e as Error).message, p.id);
      }
      group.items[i] = p;
    }
    return group;
  }

  /** Refuses every reading of the group not refused yet. */
  private refuseGroup(g: SignedGroup, code: RejectionCode, message: string): void {
    for (const p of g.items) if (!p.outcome) p.outcome = rejection(code, message, p.id);
  }

  /** Device and seq checks before verification; returns the signature job, or sets the outcomes. */
  private precheck(g: SignedGroup, devices: DeviceLookup): VerifyJob | undefined {
    const device = devices.get(g.deviceId) ?? null;
    if (device === null) {
      this.refuseGroup(
        g,
        ErrorCode.DEVICE_UNKNOWN,
        `device ${g.deviceId} is not registered on chain; its operator registers it with Devices:Register`,
      );
      return undefined;
    }
    if (device.status !== "active") {
      this.refuseGroup(
        g,
        ErrorCode.DEVICE_REVOKED,
        `device ${g.deviceId} was revoked by ${device.operator} on chain; its readings are refused`,
      );
      return undefined;
    }
    g.device = device;
    let open = 0;
    for (const p of g.items) if (!p.outcome && !this.replayed(p)) open++;
    if (open === 0) return undefined;
    const key = device.keys[g.keyIndex];
    if (key === undefined) {
      this.refuseGroup(
        g,
        ErrorCode.GATEWAY_SIGNATURE_INVALID,
        `device ${g.deviceId} has ${device.keys.length} registered key(s); keyIndex ${g.keyIndex} names none`,
      );
      return undefined;
    }
    return { alg: key.alg, publicKey: key.publicKey, message: g.message(), signature: g.signature };
  }

  private lastSeq(deviceId: string): number {
    const unsettled = this.unsettledSeqs.get(deviceId);
    if (unsettled !== undefined) return unsettled;
    let seq = this.settledSeqs.get(deviceId);
    if (seq === undefined) {
      seq = this.opts.store.lastSeq(deviceId);
      this.rememberSettled(deviceId, seq);
    }
    return seq;
  }

  /** Keeps a durable seq in memory (bounded: the oldest entries go, the store still has them). */
  private rememberSettled(deviceId: string, seq: number): void {
    this.settledSeqs.delete(deviceId);
    this.settledSeqs.set(deviceId, seq);
    if (this.settledSeqs.size > DEVICE_CACHE_ENTRIES_MAX) {
      this.settledSeqs.delete(this.settledSeqs.keys().next().value as string);
    }
  }

  /** Sets the outcome and returns true when the reading's seq is not above the device's last accepted one. */
  private replayed(p: Pending): boolean {
    const r = p.head as ReadingHead;
    const last = this.lastSeq(r.deviceId);
    if (r.seq > last) return false;
    p.outcome = rejection(
      ErrorCode.GATEWAY_READING_REPLAYED,
      `seq ${r.seq} of device ${r.deviceId} is not above its last accepted seq ${last}: a device numbers its readings 1, 2, 3, ... (in order within a request and a batch) and never reuses a seq`,
      p.id,
    );
    return true;
  }

  /** The synchronous pass: final seq check, filing, counting; then one durable write for the request. */
  private async fileAll(items: readonly Pending[]): Promise<void> {
    const accepted: AcceptedReading[] = [];
    const deviceBatches: DeviceBatchRecord[] = [];
    const seqs = new Map<string, number>();
    const touched = new Set<LiveBatch>();
    const sealed: LiveBatch[] = [];
    const receivedMs = this.now();
    for (const p of items) {
      if (!p.outcome && !this.replayed(p)) {
        const r = p.head as ReadingHead;
        const g = p.group as SignedGroup;
        const device = g.device as DeviceEntry;
        const id = p.id as Uint8Array;
        if (this.isFull(r.deviceId)) sealed.push(this.sealOpen());
        const batch = this.open;
        const index = addToBatch(batch, id, r.deviceId, receivedMs);
        touched.add(batch);
        const key = device.keys[g.keyIndex];
        let deviceBatch: { no: number; index: number } | undefined;
        if (g.batch) {
          if (!g.batch.record) {
            g.batch.record = this.deviceBatchRecord(g, device);
            deviceBatches.push(g.batch.record);
          }
          deviceBatch = { no: g.batch.record.no, index: p.leaf };
        }
        accepted.push({
          id,
          reading: {
            bytes: p.bytes,
            signature: g.signature,
            keyIndex: g.keyIndex,
            deviceId: r.deviceId,
            seq: r.seq,
            alg: key.alg,
            publicKey: key.publicKey,
            keyTxId: device.keyTxId,
            batch: batch.record.no,
            index,
            receivedMs,
            deviceBatch,
          },
        });
        this.unsettledSeqs.set(r.deviceId, r.seq);
        seqs.set(r.deviceId, r.seq);
        this.pending++;
        this.totals.accepted++;
        p.outcome = { accepted: true, code: "OK", id: bytesToHex(id), batch: batch.record.no, index };
        continue;
      }
      const outcome = p.outcome as ReadingOutcome;
      if (outcome.accepted) continue;
      const counter = COUNTED[outcome.code];
      if (counter) {
        this.open.record.rejected[counter]++;
        this.totals.rejected[counter]++;
      } else {
        this.totals.invalid++;
      }
    }
    touched.add(this.open);
    // An open batch is stored without its device list (rebuilt from its readings on restart), so a
    // request costs the same whatever the number of devices; a sealed batch is stored whole, once.
    const records = [...new Set([...sealed, ...touched])].map((b) =>
      b.record.status === "open" ? { ...b.record, devices: [] } : b.record,
    );
    const write = this.opts.store.commitAccepted(accepted, seqs, records, deviceBatches);
    for (const b of new Set([...sealed, ...touched])) b.writes.push(write);
    for (const b of sealed) this.handOver(b);
    await write;
    for (const [deviceId, seq] of seqs) {
      this.rememberSettled(deviceId, seq);
      if (this.unsettledSeqs.get(deviceId) === seq) this.unsettledSeqs.delete(deviceId);
    }
  }

  /** The record that proves a device batch's readings (made, and numbered, when its first reading is filed). */
  private deviceBatchRecord(g: SignedGroup, device: DeviceEntry): DeviceBatchRecord {
    const batch = g.batch as NonNullable<SignedGroup["batch"]>;
    const key = device.keys[g.keyIndex];
    return {
      no: this.opts.store.nextDeviceBatchNo(),
      deviceId: g.deviceId,
      alg: key.alg,
      publicKey: key.publicKey,
      keyIndex: g.keyIndex,
      keyTxId: device.keyTxId,
      signature: g.signature,
      root: batch.root,
      leaves: batch.packed,
    };
  }

  private isFull(deviceId: string): boolean {
    const b = this.open;
    if (b.leaves.length >= this.opts.batchReadingsMax) return true;
    return !b.devices.has(deviceId) && b.devices.size >= BATCH_DEVICES_MAX;
  }

  private sealOpen(): LiveBatch {
    const sealed = this.open;
    sealed.record.status = "sealed";
    this.open = newBatch(sealed.record.no + 1);
    this.opts.store.trackLeaves(this.open.record.no, this.open.leaves);
    return sealed;
  }

  /** Hands a sealed batch to anchoring, which also waits for its id index. */
  private handOver(batch: LiveBatch): void {
    batch.writes.push(indexWhenStored(this.opts.store, batch));
    this.opts.onSealed(batch);
  }
}

/**
 * Writes a batch's id index once its readings are durable: the index is
 * written on another thread, and must never name a reading a crash could
 * still lose.
 */
async function indexWhenStored(store: GatewayStore, batch: LiveBatch): Promise<void> {
  await Promise.all(batch.writes);
  await store.indexBatch(batch.record.no, batch.leaves);
}

function badSignatureMessage(g: SignedGroup): string {
  const alg = g.device?.keys[g.keyIndex]?.alg;
  return g.batch
    ? `the batch signature does not verify with key ${g.keyIndex} (${alg}) of device ${g.deviceId}: sign "citychain/reading-batch/v1\\n" || the RFC 6962 Merkle root of the batch's readings with the device's current registered key`
    : `the signature does not verify with key ${g.keyIndex} (${alg}) of device ${g.deviceId}: sign "citychain/reading/v1\\n" || reading bytes with the device's current registered key`;
}
