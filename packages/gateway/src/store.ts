import { mkdirSync } from "node:fs";
import {
  bytesToUint64,
  CityChainError,
  concatBytes,
  decode,
  ErrorCode,
  encode,
  hexToBytes,
  uint32ToBytes,
  uint64ToBytes,
  utf8ToBytes,
} from "@citychain/protocol";
import { type Database, open, type RootDatabase } from "lmdb";
import { STORE_MAP_SIZE_BYTES_DEFAULT } from "./limits.ts";
import type { BatchRecord, StoredReading } from "./records.ts";
import { decodeStoredReading, encodeStoredReading } from "./stored-reading-codec.ts";

type BytesDb = Database<Uint8Array, Uint8Array>;

/** Largest stored record: a batch record lists up to 1,000 device ids and holds its anchoring transaction. */
const RECORD_BYTES_MAX = 4 * 1024 * 1024;
/** Largest stored transaction proof with its return value. */
const KEY_TX_BYTES_MAX = 8 * 1024 * 1024;

const META_LAST_TO_MS = utf8ToBytes("lastToMs");

/** A transaction the gateway keeps to prove device keys: its proof (canonical CBOR) and return value. */
export interface StoredTx {
  proof: Uint8Array;
  returnValue: Uint8Array;
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

function memberKey(batch: number, index: number): Uint8Array {
  return concatBytes(uint64ToBytes(batch), uint32ToBytes(index));
}

/**
 * The gateway's durable state in LMDB: accepted readings by id, each batch's
 * leaves in order, batch records, each device's last accepted seq (so a
 * restart still refuses replays), and the device-key transactions its proofs
 * cite. Commits are durable (fsync) before their promise resolves, with the
 * ledger's settings: a reading is answered "accepted" only once it is on disk.
 */
export class GatewayStore {
  private constructor(
    private readonly env: RootDatabase<Uint8Array, Uint8Array>,
    private readonly readings: BytesDb,
    private readonly members: BytesDb,
    private readonly seqs: BytesDb,
    private readonly batches: BytesDb,
    private readonly txs: BytesDb,
    private readonly meta: BytesDb,
  ) {}

  static open(dir: string, mapSizeBytes = STORE_MAP_SIZE_BYTES_DEFAULT): GatewayStore {
    mkdirSync(dir, { recursive: true });
    const env = open<Uint8Array, Uint8Array>({
      path: dir,
      noSubdir: false,
      mapSize: mapSizeBytes,
      maxDbs: 8,
      overlappingSync: false,
      noSync: false,
      noMetaSync: false,
      useWritemap: false,
      cache: false,
      compression: false,
      keyEncoding: "binary",
      encoding: "binary",
    });
    const db = (name: string): BytesDb =>
      env.openDB<Uint8Array, Uint8Array>({ name, keyEncoding: "binary", encoding: "binary", compression: false });
    return new GatewayStore(env, db("readings"), db("members"), db("seqs"), db("batches"), db("txs"), db("meta"));
  }

  close(): Promise<void> {
    return this.env.close();
  }

  getReading(id: Uint8Array): StoredReading | undefined {
    const raw = this.readings.get(id);
    return raw === undefined ? undefined : decodeStoredReading(raw);
  }

  /** The last seq accepted (and stored) from this device; 0 if none. */
  lastSeq(deviceId: string): number {
    const raw = this.seqs.get(utf8ToBytes(deviceId));
    return raw === undefined ? 0 : bytesToUint64(raw);
  }

  /**
   * Stores accepted readings (by id, and as leaves of their batch), their
   * devices' new last seqs and the batch records they changed, in one durable
   * transaction.
   */
  commitAccepted(
    accepted: readonly { id: Uint8Array; reading: StoredReading }[],
    seqs: ReadonlyMap<string, number>,
    batches: readonly BatchRecord[],
  ): Promise<void> {
    // Encoded now: the callback runs when lmdb-js starts the write, by which time the records may have moved on.
    const puts: [BytesDb, Uint8Array, Uint8Array][] = [];
    for (const { id, reading } of accepted) {
      puts.push([this.readings, id, encodeStoredReading(reading)]);
      puts.push([this.members, memberKey(reading.batch, reading.index), id]);
    }
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

  /** A batch's leaves (reading ids, which are RFC 6962 leaf hashes) in order. */
  batchLeaves(no: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const { value } of this.members.getRange({ start: memberKey(no, 0), end: memberKey(no + 1, 0) })) {
      out.push(new Uint8Array(value));
    }
    return out;
  }

  /**
   * Replaces a sealed batch's leaves by `kept` (readings of devices revoked
   * before anchoring are taken out), renumbers the kept readings and marks
   * the dropped ones (index -1: in no anchored batch).
   */
  rewriteBatch(
    batch: BatchRecord,
    kept: readonly Uint8Array[],
    dropped: readonly Uint8Array[],
    previousCount: number,
  ): Promise<void> {
    const reindex = (id: Uint8Array, index: number) => {
      const reading = this.getReading(id);
      return reading === undefined ? undefined : encodeStoredReading({ ...reading, index });
    };
    const keptReadings = kept.map((id, index) => reindex(id, index));
    const droppedReadings = dropped.map((id) => reindex(id, -1));
    const record = encode(batch);
    return this.env.transaction(() => {
      for (let i = 0; i < previousCount; i++) this.members.removeSync(memberKey(batch.no, i));
      kept.forEach((id, index) => {
        this.members.putSync(memberKey(batch.no, index), id);
        const reading = keptReadings[index];
        if (reading) this.readings.putSync(id, reading);
      });
      dropped.forEach((id, i) => {
        const reading = droppedReadings[i];
        if (reading) this.readings.putSync(id, reading);
      });
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
