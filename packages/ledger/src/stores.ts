import { type Database, open, type RootDatabase } from "lmdb";
import { MAP_SIZE_BYTES_DEFAULT } from "./limits.ts";

/** A named LMDB database with raw byte keys and raw byte values. */
export type BytesDb = Database<Uint8Array, Uint8Array>;

/** The LMDB environment and its named databases. */
export interface Stores {
  env: RootDatabase<Uint8Array, Uint8Array>;
  /** height → encoded block, byte for byte as committed. */
  blocks: BytesDb;
  /** block hash → height (u64). */
  blockHashes: BytesDb;
  /** height → encoded commit certificate. */
  commits: BytesDb;
  /** height → CBOR array of encoded results. */
  results: BytesDb;
  /** state key → value. */
  state: BytesDb;
  /** historyKey(key, height, txIndex) → {txId, value | null}. */
  history: BytesDb;
  /** tx id → {height, index, code}. */
  txIndex: BytesDb;
  /** META_KEYS → latest height, hashes, time. */
  meta: BytesDb;
  /**
   * This node's private data (collections its organisation belongs to):
   * opaque sealed values under keys the runtime chooses. Not part of the
   * app hash, never sent in blocks; written with the block that made it.
   */
  privateData: BytesDb;
}

const STORE_NAMES = [
  "blocks",
  "blockHashes",
  "commits",
  "results",
  "state",
  "history",
  "txIndex",
  "meta",
  "privateData",
] as const;

/**
 * Opens the environment with durable commits.
 *
 * `overlappingSync: false` is the durability decision. lmdb-js enables
 * overlapping sync by default on Linux: the write promise then resolves when
 * the transaction is committed and visible, and the fsync happens later, in
 * the background. We turn it off so the write thread runs a plain LMDB commit
 * (no MDB_NOSYNC, no MDB_NOMETASYNC, no write map): `mdb_txn_commit` writes
 * the data pages, fdatasyncs them, writes the meta page and fdatasyncs again
 * before it returns, and only then does lmdb-js resolve the promise. A
 * resolved write promise therefore means "on disk". The fsync runs on
 * lmdb-js's write thread, so the event loop is not blocked while it waits.
 *
 * `cache: false` (the default, stated here) because the cache would serve
 * values before they are durable; `compression: false` keeps stored bytes
 * identical to what was given, which the raw verifier relies on.
 */
export function openStores(path: string, mapSizeBytes = MAP_SIZE_BYTES_DEFAULT): Stores {
  const env = open<Uint8Array, Uint8Array>({
    path,
    // Always a directory: lmdb-js would otherwise take a path with a dot in
    // its last part ("node.1", "tmp.x7Qa") for a single database file.
    noSubdir: false,
    mapSize: mapSizeBytes,
    maxDbs: STORE_NAMES.length + 4,
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
    env.openDB<Uint8Array, Uint8Array>({
      name,
      keyEncoding: "binary",
      encoding: "binary",
      cache: false,
      compression: false,
    });
  return {
    env,
    blocks: db("blocks"),
    blockHashes: db("blockHashes"),
    commits: db("commits"),
    results: db("results"),
    state: db("state"),
    history: db("history"),
    txIndex: db("txIndex"),
    meta: db("meta"),
    privateData: db("privateData"),
  };
}
