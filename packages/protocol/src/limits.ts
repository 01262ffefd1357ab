import type { ChainParams } from "./types.ts";

/** Hard limits that no genesis can raise: they protect decoders. */
export const TX_BYTES_HARD_MAX = 4 * 1024 * 1024;
export const BLOCK_BYTES_HARD_MAX = 64 * 1024 * 1024;
export const SIGNATURES_PER_TX_MAX = 16;
export const TX_ARGS_MAX = 64;
export const NAME_CHARS_MAX = 128;
export const NONCE_BYTES_MIN = 8;
export const NONCE_BYTES_MAX = 32;
export const CERT_BYTES_MAX = 8 * 1024;
export const EVENTS_PER_TX_MAX = 64;

export const DEFAULT_PARAMS: ChainParams = {
  blockBytesMax: 8 * 1024 * 1024,
  blockTxsMax: 10_000,
  txBytesMax: 256 * 1024,
  txExpiryWindowMax: 10_000,
  mempoolTxsMax: 100_000,
  blockIntervalMs: 100,
  emptyBlockIntervalMs: 5_000,
  timeoutProposeMs: 3_000,
  timeoutPrevoteMs: 1_000,
  timeoutPrecommitMs: 1_000,
  timeoutDeltaMs: 500,
  timeoutCommitMs: 100,
  publicContracts: [],
};

/** Largest contract bundle the chain stores, and the largest piece of it one upload transaction carries. */
export const CONTRACT_BUNDLE_BYTES_MAX = 4 * 1024 * 1024;
export const CONTRACT_BUNDLE_CHUNK_BYTES_MAX = 128 * 1024;

/** Signatures of member nodes on one endorsed transaction. */
export const ENDORSEMENTS_PER_TX_MAX = 8;
/** Keys one endorsed transaction may record as read. */
export const RWSET_READS_MAX = 10_000;
/** Keys one endorsed transaction may write (public keys and private-data hashes). */
export const RWSET_WRITES_MAX = 10_000;
/** Entries of a transaction's transient map, and its total size. */
export const TRANSIENT_ENTRIES_MAX = 64;
export const TRANSIENT_BYTES_MAX = 1024 * 1024;
