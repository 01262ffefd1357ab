import type { VerifyJob } from "@citychain/crypto";
import { bytesToHex, CityChainError, ErrorCode, leafHash } from "@citychain/protocol";
import type { DeviceDirectory, DeviceLookup } from "./device-directory.ts";
import type { DeviceEntry } from "./device-entry.ts";
import { readingSignBytes, type SignedReading } from "./device-signer.ts";
import { BATCH_DEVICES_MAX, BATCH_READINGS_MAX, DEVICE_CACHE_ENTRIES_MAX, PENDING_READINGS_MAX } from "./limits.ts";
import { addToBatch, type LiveBatch, newBatch, restoredBatch } from "./live-batch.ts";
import { decodeReading, type Reading } from "./reading.ts";
import { type BatchRecord, type RejectedCounts, type StoredReading, zeroCounts } from "./records.ts";
import type { SignatureChecker } from "./signature-checker.ts";
import type { GatewayStore } from "./store.ts";

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

/** One reading on its way through a request. */
interface Pending {
  input: SignedReading;
  id?: Uint8Array;
  reading?: Reading;
  device?: DeviceEntry;
  outcome?: ReadingOutcome;
}

function rejection(code: RejectionCode, message: string, id?: Uint8Array): ReadingOutcome {
  return { accepted: false, code, message, ...(id ? { id: bytesToHex(id) } : {}) };
}

/**
 * Takes signed readings in, decides each one, and files the accepted ones
 * into the open batch. Per reading, in this order: it decodes (canonical
 * CBOR, bounded), its device is registered and not revoked (the directory),
 * its seq is above the device's last accepted one, and its signature
 * verifies with the named key of the device. Refusals are answered with
 * their code and counted; they go on chain with the batch that was open.
 * The seq check is done twice: before verification (to spend no signature
 * check on a replay) and after it, in one synchronous pass that also files
 * the reading, so two requests racing with the same seq cannot both win. A
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

  private constructor(
    private readonly opts: IntakeOptions,
    open: LiveBatch,
  ) {
    checkBatchReadingsMax(opts.batchReadingsMax);
    this.open = open;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Opens intake over the store: batches left open or sealed by an earlier
   * run are handed to `onSealed` again (the last open one stays open).
   */
  static restore(opts: IntakeOptions): ReadingIntake {
    const unfinished = opts.store.unfinishedBatches().map((r) => {
      const leaves = opts.store.batchLeaves(r.no);
      const devices = r.status === "open" ? leaves.map((id) => opts.store.getReading(id)?.deviceId ?? "") : r.devices;
      return restoredBatch({ ...r, devices: [...new Set(devices)].filter((d) => d !== "") }, leaves);
    });
    const last = unfinished[unfinished.length - 1];
    const lastNo = opts.store.lastBatchNo();
    const keepOpen = last !== undefined && last.record.status === "open" && last.record.no === lastNo;
    const intake = new ReadingIntake(opts, keepOpen ? last : newBatch(lastNo + 1));
    for (const b of keepOpen ? unfinished.slice(0, -1) : unfinished) {
      b.record.status = "sealed";
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
    this.opts.onSealed(sealed);
  }

  /** Decides every reading of a request; answers in input order. */
  async submit(inputs: readonly ReadingInput[]): Promise<ReadingOutcome[]> {
    const pendingMax = this.opts.pendingReadingsMax ?? PENDING_READINGS_MAX;
    if (this.pending + inputs.length > pendingMax) {
      throw new CityChainError(
        { code: ErrorCode.GATEWAY_BACKLOG_FULL },
        `${this.pending} readings are waiting to be anchored (at most ${pendingMax}); anchoring is behind, probably because the chain is unreachable: retry later`,
      );
    }
    const items = inputs.map((input) => this.decodeOne(input));
    const ids = [...new Set(items.flatMap((p) => (p.reading ? [p.reading.deviceId] : [])))];
    const devices = ids.length > 0 ? await this.opts.directory.lookup(ids) : new Map();
    const jobs: VerifyJob[] = [];
    const verifying: Pending[] = [];
    for (const p of items) {
      if (p.outcome) continue;
      const job = this.precheck(p, devices);
      if (job) {
        jobs.push(job);
        verifying.push(p);
      }
    }
    const valid = jobs.length > 0 ? await this.opts.checker.verify(jobs) : [];
    verifying.forEach((p, i) => {
      if (!valid[i]) {
        const r = p.reading as Reading;
        p.outcome = rejection(
          ErrorCode.GATEWAY_SIGNATURE_INVALID,
          `the signature does not verify with key ${p.input.keyIndex} (${p.device?.keys[p.input.keyIndex].alg}) of device ${r.deviceId}: sign "citychain/reading/v1\\n" || reading bytes with the device's current registered key`,
          p.id,
        );
      }
    });
    return this.fileAll(items);
  }

  private decodeOne(input: ReadingInput): Pending {
    if ("problem" in input) {
      const empty = { reading: new Uint8Array(0), signature: new Uint8Array(0), keyIndex: 0 };
      return { input: empty, outcome: rejection(ErrorCode.GATEWAY_READING_INVALID, input.problem) };
    }
    const p: Pending = { input };
    try {
      p.reading = decodeReading(input.reading);
      p.id = leafHash(input.reading);
    } catch (e) {
      p.outcome = rejection(ErrorCode.GATEWAY_READING_INVALID, (e as Error).message);
    }
    return p;
  }

  /** Device and seq checks before verification; returns the signature job, or sets the outcome. */
  private precheck(p: Pending, devices: DeviceLookup): VerifyJob | undefined {
    const r = p.reading as Reading;
    const device = devices.get(r.deviceId) ?? null;
    if (device === null) {
      p.outcome = rejection(
        ErrorCode.DEVICE_UNKNOWN,
        `device ${r.deviceId} is not registered on chain; its operator registers it with Devices:Register`,
        p.id,
      );
      return undefined;
    }
    if (device.status !== "active") {
      p.outcome = rejection(
        ErrorCode.DEVICE_REVOKED,
        `device ${r.deviceId} was revoked by ${device.operator} on chain; its readings are refused`,
        p.id,
      );
      return undefined;
    }
    p.device = device;
    if (this.replayed(p)) return undefined;
    const key = device.keys[p.input.keyIndex];
    if (key === undefined) {
      p.outcome = rejection(
        ErrorCode.GATEWAY_SIGNATURE_INVALID,
        `device ${r.deviceId} has ${device.keys.length} registered key(s); keyIndex ${p.input.keyIndex} names none`,
        p.id,
      );
      return undefined;
    }
    return {
      alg: key.alg,
      publicKey: key.publicKey,
      message: readingSignBytes(p.input.reading),
      signature: p.input.signature,
    };
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
    const r = p.reading as Reading;
    const last = this.lastSeq(r.deviceId);
    if (r.seq > last) return false;
    p.outcome = rejection(
      ErrorCode.GATEWAY_READING_REPLAYED,
      `seq ${r.seq} of device ${r.deviceId} is not above its last accepted seq ${last}: a device numbers its readings 1, 2, 3, ... (in order within a request) and never reuses a seq`,
      p.id,
    );
    return true;
  }

  /** The synchronous pass: final seq check, filing, counting; then one durable write for the request. */
  private async fileAll(items: Pending[]): Promise<ReadingOutcome[]> {
    const accepted: { id: Uint8Array; reading: StoredReading }[] = [];
    const seqs = new Map<string, number>();
    const touched = new Set<LiveBatch>();
    const sealed: LiveBatch[] = [];
    const receivedMs = this.now();
    for (const p of items) {
      if (!p.outcome && !this.replayed(p)) {
        const r = p.reading as Reading;
        const device = p.device as DeviceEntry;
        const id = p.id as Uint8Array;
        if (this.isFull(r.deviceId)) sealed.push(this.sealOpen());
        const batch = this.open;
        const index = addToBatch(batch, id, r.deviceId, receivedMs);
        touched.add(batch);
        const key = device.keys[p.input.keyIndex];
        accepted.push({
          id,
          reading: {
            bytes: p.input.reading,
            signature: p.input.signature,
            keyIndex: p.input.keyIndex,
            deviceId: r.deviceId,
            seq: r.seq,
            alg: key.alg,
            publicKey: key.publicKey,
            keyTxId: device.keyTxId,
            batch: batch.record.no,
            index,
            receivedMs,
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
    const write = this.opts.store.commitAccepted(accepted, seqs, records);
    for (const b of new Set([...sealed, ...touched])) b.writes.push(write);
    for (const b of sealed) this.opts.onSealed(b);
    await write;
    for (const [deviceId, seq] of seqs) {
      this.rememberSettled(deviceId, seq);
      if (this.unsettledSeqs.get(deviceId) === seq) this.unsettledSeqs.delete(deviceId);
    }
    return items.map((p) => p.outcome as ReadingOutcome);
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
    return sealed;
  }
}
