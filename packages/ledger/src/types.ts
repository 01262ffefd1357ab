import type { TxResult } from "@citychain/protocol";

/** One state change: `value: null` deletes the key. */
export interface StateWrite {
  key: Uint8Array;
  value: Uint8Array | null;
}

/** The state writes of one transaction, in the order it made them. */
export interface TxWrites {
  /** Position of the transaction in its block. */
  txIndex: number;
  txId: Uint8Array;
  writes: StateWrite[];
}

/** Everything the node stores for one finalised, executed block. */
export interface BlockCommitData {
  height: number;
  /** The encoded block, stored byte for byte as given. */
  blockBytes: Uint8Array;
  blockHash: Uint8Array;
  /** The encoded commit certificate. */
  commitBytes: Uint8Array;
  /** Transaction ids in block order; `txIds[i]` is the id of `results[i]`. */
  txIds: Uint8Array[];
  results: TxResult[];
  /** Writes of the transactions that changed state; failed transactions have none. */
  writes: TxWrites[];
  /** State hash after this block. */
  appHash: Uint8Array;
  /** Block time. */
  timeMs: number;
  /** This node's private-data store changes made by the block (sealed values; null deletes). */
  privateWrites?: StateWrite[];
}

/** Where a transaction landed and how it ended. */
export interface TxLocation {
  height: number;
  index: number;
  code: string;
}

/** One entry of a key's history: who wrote what at which height. */
export interface HistoryEntry {
  height: number;
  txIndex: number;
  txId: Uint8Array;
  /** `null`: the transaction deleted the key. */
  value: Uint8Array | null;
}

export interface StateEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/**
 * A state scan. `start` is inclusive, `end` exclusive, whatever the direction;
 * `prefix` narrows the range further to keys that start with it.
 */
export interface StateRangeOptions {
  start?: Uint8Array;
  end?: Uint8Array;
  prefix?: Uint8Array;
  /** Default STATE_RANGE_LIMIT_DEFAULT, at most STATE_RANGE_LIMIT_MAX. */
  limit?: number;
  reverse?: boolean;
}

export interface HistoryOptions {
  /** Default HISTORY_LIMIT_DEFAULT, at most HISTORY_LIMIT_MAX. */
  limit?: number;
  /** First height to include (inclusive); default 0. */
  fromHeight?: number;
  /** Newest first (the latest `limit` writes), as Fabric's getHistoryForKey answers. */
  newestFirst?: boolean;
}

/** A stored block as raw bytes, for the offline verifier: nothing is decoded. */
export interface RawBlockRecord {
  height: number;
  /** `undefined` when a record is missing: the verifier reports it by height. */
  blockBytes: Uint8Array | undefined;
  commitBytes: Uint8Array | undefined;
  resultsBytes: Uint8Array | undefined;
}

export interface LedgerOpenOptions {
  /** Virtual address space reserved for the map; the file grows only as data is written. */
  mapSizeBytes?: number;
}
