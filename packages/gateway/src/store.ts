import { mkdirSync } from "node:fs";
import {
  bytesEqual,
  bytesToUint64,
  CityChainError,
  decode,
  ErrorCode,
  encode,
  hexToBytes,
  type SignatureAlgorithm,
  uint64ToBytes,
  utf8ToBytes,
} from "@citychain/protocol";
import { type Database, open, type RootDatabase } from "lmdb";
import { HASH_BYTES } from "./hashes.ts";
import { IndexWriter } from "./index-writer.ts";
import { INDEX_TXN_IDS_MAX, STORE_MAP_SIZE_BYTES_DEFAULT } from "./limits.ts";
import { CHUNK_READINGS_MAX, chunkCount, chunkRecord, encodeReadingChunk } from "./reading-chunks.ts";
import type { BatchRecord, DeviceBatchRecord, StoredReading } from "./records.ts";
import { DROPPED_SLOT_BASE, LAST_SLOT, slotKey, slotOfKey, sortedByPrefix } from "./store-keys.ts";
import { decodeStoredReading, storedReadingId } from "./stored-reading-codec.ts";

type BytesDb = Database<Uint8Array, Uint8Array>;

/** Largest stored record: a batch record lists up to 1,000 device ids and holds its anchoring transaction. */
const RECORD_BYTES_MAX = 4 * 1024 * 1024;
/** Largest stored transaction proof with its return value. */
const KEY_TX_BYTES_MAX = 8 * 1024 * 1024;

const META_LAST_TO_MS = utf8ToBytes("lastToMs");
const META_FORMAT = utf8ToBytes("format");
/** Layout of the store's tables (below); a store of another layout is refused. */
const STORE_FORMAT = 2;

/** A transaction the gateway keeps to prove device keys: its proof (canonical CBOR) and return value. */
export interface StoredTx {
  proof: Uint8Array;
  returnValue: Uint8Array;
}

/** An accepted reading to store: its id (leaf hash) and record. */
export interface AcceptedReading {
  id: Uint8Array;
  reading: StoredReading;
}

function corrupt(what: string, e: unknown): never {
  throw new CityChainError(
    { code: ErrorCode.GATEWAY_STORE_INVALID },
    `gateway store: ${what} cannot be read (${(e as Error).message}); the data directory is damaged or from another version`,
  );
}

function decodeRecord<T>(bytes: Uint8Array, what: string, maxBytes = RECORD_BYTES_MAX): T {
  try {
    return decode(bytes, maxBytes) as T;
  } catch (e) {
    return corrupt(what, e);
  }
}

function batchKey(no: number): Uint8Array {
  return uint64ToBytes(no);
}

interface DeviceBatchCbor {
  no: number;
  deviceId: string;
  alg: SignatureAlgorithm;
  publicKey: Uint8Array;
  keyIndex: number;
  keyTxId: string;
  signature: Uint8Array;
  root: Uint8Array;
  leaves: Uint8Array;
}

/**
 * The gateway's durable state in LMDB. Tables:
 * - `readings`: accepted readings by place, batch (u64) || slot (u32):
 *   one batch's readings are one sorted range, written in order (a reading
 *   costs an append, not a random insert into a large tree);
 * - `index`: reading id → place, written once per batch when it is sealed
 *   (sorted: one pass over the tree instead of one random page per reading
 *   per request); until then the store finds the open batch's readings in
 *   its leaves in memory (`trackLeaves`);
 * - `deviceBatches`: signed device batches by number (signature, key, leaves);
 * - `seqs`: each device's last accepted seq (a restart still refuses replays);
 * - `batches`, `txs` (device-key transactions its proofs cite), `meta`.
 * Commits are durable (fsync) before their promise resolves: a reading is
 * answered "accepted" only once it is on disk.
 */
export class GatewayStore {
  /** Leaves of batches whose index is not written yet, by batch number. */
  private readonly unindexed = new Map<number, readonly Uint8Array[]>();
  private deviceBatchNo: number;
  /** Started at the first batch to index. */
  private indexWriter: IndexWriter | undefined;
  private readonly indexWrites = new Set<Promise<void>>();
  private closed = false;

  private constructor(
    private readonly path: string,
    /** The environment's options for the index writer's thread; none: the index is written on this thread. */
    private readonly options: Record<string, unknown> | undefined,
    private readonly env: RootDatabase<Uint8Array, Uint8Array>,
    private readonly readings: BytesDb,
    private readonly index: BytesDb,
    private readonly deviceBatches: BytesDb,
    private readonly seqs: BytesDb,
    private readonly batches: BytesDb,
    private readonly txs: BytesDb,
    private readonly meta: BytesDb,
  ) {
    this.deviceBatchNo = 0;
    for (const key of deviceBatches.getKeys({ reverse: true, limit: 1 }))
      this.deviceBatchNo = bytesToUint64(key as Uint8Array);
  }

  /**
   * Opens (or creates) the store in `dir`. The id index is written on a
   * thread of its own unless `indexOnThisThread` (for tests of that path).
   */
  static open(dir: string, opts: { mapSizeBytes?: number; indexOnThisThread?: boolean } = {}): GatewayStore {
    const mapSizeBytes = opts.mapSizeBytes ?? STORE_MAP_SIZE_BYTES_DEFAULT;
    mkdirSync(dir, { recursive: true });
    // The ledger's durability settings; the index writer's thread opens the environment with the same.
    const options = {
      noSubdir: false,
      mapSize: mapSizeBytes,
      maxDbs: 12,
      overlappingSync: false,
      noSync: false,
      noMetaSync: false,
      useWritemap: false,
      cache: false,
      compression: false,
      keyEncoding: "binary",
      encoding: "binary",
    } as const;
    const env = open<Uint8Array, Uint8Array>({ ...options, path: dir });
    const db = (name: string): BytesDb =>
      env.openDB<Uint8Array, Uint8Array>({ name, keyEncoding: "binary", encoding: "binary", compression: false });
    const meta = db("meta");
    const batches = db("batches");
    const format = meta.get(META_FORMAT);
    const found = format === undefined ? undefined : bytesToUint64(format);
    // A store without the mark and with batches was written before the mark existed, in another layout.
    const empty = found === undefined && batches.getKeysCount({ limit: 1 }) === 0;
    if (found !== STORE_FORMAT && !empty) {
      void env.close();
      corrupt(
        "the data directory",
        new Error(`it has layout ${found ?? 1}, this gateway reads layout ${STORE_FORMAT}; start on a new home`),
      );
    }
    if (found === undefined) meta.putSync(META_FORMAT, uint64ToBytes(STORE_FORMAT));
    return new GatewayStore(
      dir,
      opts.indexOnThisThread ? undefined : options,
      env,
      db("readings"),
      db("index"),
      db("deviceBatches"),
      db("seqs"),
      batches,
      db("txs"),
      meta,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.indexWrites);
    await this.indexWriter?.close();
    await this.env.close();
  }

  /** An accepted reading by id (its leaf hash), with its device batch's key and signature filled in. */
  getReading(id: Uint8Array): StoredReading | undefined {
    const place = this.locate(id);
    if (!place) return undefined;
    const raw = this.readingAt(place.batch, place.slot);
    if (raw === undefined || !bytesEqual(storedReadingId(raw), id)) return undefined;
    const reading = decodeStoredReading(raw);
    if (reading.deviceBatch) {
      const batch = this.getDeviceBatch(reading.deviceBatch.no);
      if (!batch) corrupt(`device batch ${reading.deviceBatch.no}`, new Error("missing"));
      reading.signature = batch.signature;
      reading.publicKey = batch.publicKey;
    }
    return reading;
  }

  /** The stored record at a slot: in the chunk that starts at or before it. */
  private readingAt(batch: number, slot: number): Uint8Array | undefined {
    // Reverse ranges in lmdb-js include `start` and exclude `end`.
    const range = this.readings.getRange({
      start: slotKey(batch, slot),
      end: slotKey(batch - 1, LAST_SLOT),
      reverse: true,
      limit: 1,
    }) as Iterable<{ key: Uint8Array; value: Uint8Array }>;
    for (const { key, value } of range) {
      const first = slotOfKey(key).slot;
      const j = slot - first;
      return j < chunkCount(value) ? chunkRecord(value, j) : undefined;
    }
    return undefined;
  }

  /** Where a reading is: the index, else the leaves of a batch not indexed yet. */
  private locate(id: Uint8Array): { batch: number; slot: number } | undefined {
    const raw = this.index.get(id);
    if (raw !== undefined) return slotOfKey(raw);
    for (const [batch, leaves] of this.unindexed) {
      for (let i = 0; i < leaves.length; i++) {
        const leaf = leaves[i];
        if (leaf[0] === id[0] && leaf[1] === id[1] && bytesEqual(leaf, id)) return { batch, slot: i };
      }
    }
    return undefined;
  }

  /**
   * Lets `getReading` find the readings of batch `no` by its leaves in
   * memory (the caller keeps appending to the array) until its index is written.
   */
  trackLeaves(no: number, leaves: readonly Uint8Array[]): void {
    this.unindexed.set(no, leaves);
  }

  /**
   * Writes the id index of a batch's leaves (slot i = leaf i) in one durable
   * transaction, on the index writer's thread (on this one if that fails).
   */
  indexBatch(no: number, leaves: readonly Uint8Array[]): Promise<void> {
    // Closing: nothing more is written (a restart re-indexes the batches sealed and not anchored).
    if (this.closed) return Promise.resolve();
    this.unindexed.set(no, leaves);
    const count = leaves.length;
    const packed = new Uint8Array(count * HASH_BYTES);
    for (let i = 0; i < count; i++) packed.set(leaves[i], i * HASH_BYTES);
    if (this.options) this.indexWriter ??= new IndexWriter(this.path, this.options);
    const written = this.indexWriter ? this.indexWriter.write(no, packed, count) : Promise.resolve(false);
    const write = written.then(async (done) => {
      if (!done) await this.indexHere(no, leaves);
      if (this.unindexed.get(no) === leaves) this.unindexed.delete(no);
    });
    this.indexWrites.add(write);
    void write.finally(() => this.indexWrites.delete(write)).catch(() => {});
    return write;
  }

  /** The index of a batch written on this thread, sorted by id, in transactions of INDEX_TXN_IDS_MAX. */
  private async indexHere(no: number, leaves: readonly Uint8Array[]): Promise<void> {
    const order = sortedByPrefix(leaves);
    for (let first = 0; first < order.length; first += INDEX_TXN_IDS_MAX) {
      const puts = order.slice(first, first + INDEX_TXN_IDS_MAX).map((i) => [leaves[i], slotKey(no, i)] as const);
      await this.env.transaction(() => {
        for (const [id, place] of puts) this.index.putSync(id, place);
      });
    }
  }

  /** The last seq accepted (and stored) from this device; 0 if none. */
  lastSeq(deviceId: string): number {
    const raw = this.seqs.get(utf8ToBytes(deviceId));
    return raw === undefined ? 0 : bytesToUint64(raw);
  }

  /** A number for the next device batch (taken at once; numbers of batches never stored are skipped). */
  nextDeviceBatchNo(): number {
    return ++this.deviceBatchNo;
  }

  getDeviceBatch(no: number): DeviceBatchRecord | undefined {
    const raw = this.deviceBatches.get(uint64ToBytes(no));
    if (raw === undefined) return undefined;
    const r = decodeRecord<DeviceBatchCbor>(raw, `device batch ${no}`);
    if (!(r.leaves instanceof Uint8Array) || r.leaves.length % HASH_BYTES !== 0 || !(r.root instanceof Uint8Array))
      corrupt(`device batch ${no}`, new Error("leaves or root are not hashes"));
    return r;
  }

  /**
   * Stores accepted readings (at their batch and index), the device batches
   * they came in, their devices' new last seqs and the batch records they
   * changed, in one durable transaction.
   */
  commitAccepted(
    accepted: readonly AcceptedReading[],
    seqs: ReadonlyMap<string, number>,
    batches: readonly BatchRecord[],
    deviceBatches: readonly DeviceBatchRecord[] = [],
  ): Promise<void> {
    // Encoded now: the callback runs when lmdb-js starts the write, by which time the records may have moved on.
    // Readings of consecutive leaves of one batch (what one request files) go into one chunk.
    const puts: [BytesDb, Uint8Array, Uint8Array][] = [];
    let start = 0;
    for (let i = 1; i <= accepted.length; i++) {
      const prev = accepted[i - 1].reading;
      const next = accepted[i]?.reading;
      if (next && next.batch === prev.batch && next.index === prev.index + 1) continue;
      const first = accepted[start].reading;
      puts.push([this.readings, slotKey(first.batch, first.index), encodeReadingChunk(accepted.slice(start, i))]);
      start = i;
    }
    for (const d of deviceBatches) puts.push([this.deviceBatches, uint64ToBytes(d.no), encode(d)]);
    for (const [deviceId, seq] of seqs) puts.push([this.seqs, utf8ToBytes(deviceId), uint64ToBytes(seq)]);
    for (const b of batches) puts.push([this.batches, batchKey(b.no), encode(b)]);
    return this.write(puts);
  }

  putBatch(batch: BatchRecord): Promise<void> {
    return this.write([[this.batches, batchKey(batch.no), encode(batch)]]);
  }

  getBatch(no: number): BatchRecord | undefined {
    const raw = this.batches.get(batchKey(no));
    return raw === undefined ? undefined : decodeRecord<BatchRecord>(raw, `batch ${no}`);
  }

  /** Batches not yet anchored or dropped (open or sealed), oldest first. */
  unfinishedBatches(): BatchRecord[] {
    const out: BatchRecord[] = [];
    for (const { value } of this.batches.getRange({})) {
      const b = decodeRecord<BatchRecord>(value, "a batch");
      if (b.status === "open" || b.status === "sealed") out.push(b);
    }
    return out;
  }

  /** The highest batch number used; 0 before the first. */
  lastBatchNo(): number {
    for (const key of this.batches.getKeys({ reverse: true, limit: 1 })) return bytesToUint64(key as Uint8Array);
    return 0;
  }

  /** A batch's chunks of stored readings in leaf order (taken-out ones not included). */
  private batchChunks(no: number): Iterable<{ key: Uint8Array; value: Uint8Array }> {
    return this.readings.getRange({ start: slotKey(no, 0), end: slotKey(no, DROPPED_SLOT_BASE) }) as Iterable<{
      key: Uint8Array;
      value: Uint8Array;
    }>;
  }

  /** A batch's stored readings in leaf order (taken-out ones not included). */
  private *batchReadings(no: number): Iterable<Uint8Array> {
    for (const { value } of this.batchChunks(no)) {
      const count = chunkCount(value);
      for (let j = 0; j < count; j++) yield chunkRecord(value, j);
    }
  }

  /** A batch's leaves (reading ids, which are RFC 6962 leaf hashes) in order. */
  batchLeaves(no: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const record of this.batchReadings(no)) out.push(storedReadingId(record));
    return out;
  }

  /** The device of each of a batch's readings, in leaf order. */
  batchReadingDevices(no: number): string[] {
    const out: string[] = [];
    for (const record of this.batchReadings(no)) out.push(decodeStoredReading(record).deviceId);
    return out;
  }

  /**
   * Replaces a sealed batch's leaves by `kept` (readings of devices revoked
   * before anchoring are taken out), renumbers the kept readings and moves
   * the dropped ones out of the batch's leaves (index -1: in no anchored
   * batch), updating the id index of both.
   */
  rewriteBatch(batch: BatchRecord, kept: readonly Uint8Array[], dropped: readonly Uint8Array[]): Promise<void> {
    const byId = new Map<string, StoredReading>();
    for (const record of this.batchReadings(batch.no)) {
      byId.set(Buffer.from(storedReadingId(record)).toString("hex"), decodeStoredReading(record));
    }
    const oldChunks: Uint8Array[] = [];
    for (const { key } of this.batchChunks(batch.no)) oldChunks.push(key);
    // Readings taken out by an earlier rewrite of this batch keep their slots.
    let droppedBefore = 0;
    for (const { key, value } of this.readings.getRange({
      start: slotKey(batch.no, LAST_SLOT),
      end: slotKey(batch.no, DROPPED_SLOT_BASE - 1),
      reverse: true,
      limit: 1,
    }) as Iterable<{ key: Uint8Array; value: Uint8Array }>)
      droppedBefore = slotOfKey(key).slot - DROPPED_SLOT_BASE + chunkCount(value);
    const puts: [BytesDb, Uint8Array, Uint8Array][] = [];
    const place = (ids: readonly Uint8Array[], firstSlot: number, index: (i: number) => number) => {
      const moved = ids.map((id, i) => {
        const reading = byId.get(Buffer.from(id).toString("hex"));
        if (!reading) corrupt(`batch ${batch.no}`, new Error(`leaf ${Buffer.from(id).toString("hex")} is not stored`));
        return { id, reading: { ...reading, index: index(i) } };
      });
      for (let i = 0; i < moved.length; i += CHUNK_READINGS_MAX) {
        const chunk = moved.slice(i, i + CHUNK_READINGS_MAX);
        puts.push([this.readings, slotKey(batch.no, firstSlot + i), encodeReadingChunk(chunk)]);
      }
      for (const [i, { id }] of moved.entries()) puts.push([this.index, id, slotKey(batch.no, firstSlot + i)]);
    };
    place(kept, 0, (i) => i);
    place(dropped, DROPPED_SLOT_BASE + droppedBefore, () => -1);
    const record = encode(batch);
    return this.env.transaction(() => {
      for (const key of oldChunks) this.readings.removeSync(key);
      for (const [db, key, value] of puts) db.putSync(key, value);
      this.batches.putSync(batchKey(batch.no), record);
    }) as Promise<void>;
  }

  getTx(idHex: string): StoredTx | undefined {
    const raw = this.txs.get(hexToBytes(idHex));
    return raw === undefined ? undefined : decodeRecord<StoredTx>(raw, `transaction ${idHex}`, KEY_TX_BYTES_MAX);
  }

  putTx(idHex: string, tx: StoredTx): Promise<void> {
    return this.write([[this.txs, hexToBytes(idHex), encode(tx)]]);
  }

  /** End of the time span of the last anchored batch (anchors may not overlap); 0 before the first. */
  lastAnchoredToMs(): number {
    const raw = this.meta.get(META_LAST_TO_MS);
    return raw === undefined ? 0 : bytesToUint64(raw);
  }

  /** Records an anchored batch and the end of its span together. */
  putAnchored(batch: BatchRecord): Promise<void> {
    return this.write([
      [this.batches, batchKey(batch.no), encode(batch)],
      [this.meta, META_LAST_TO_MS, uint64ToBytes(batch.toMs)],
    ]);
  }

  /** One durable transaction of already encoded puts. */
  private write(puts: readonly [BytesDb, Uint8Array, Uint8Array][]): Promise<void> {
    return this.env.transaction(() => {
      for (const [db, key, value] of puts) db.putSync(key, value);
    }) as Promise<void>;
  }
}
