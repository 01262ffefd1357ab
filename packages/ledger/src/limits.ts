/** Named bounds of the ledger. Each one that a caller can exceed has a coded error. */

/**
 * Longest state key. LMDB keys are at most 1,978 bytes in lmdb-js builds;
 * history keys add 14 bytes (length prefix, height, tx index) to the state key,
 * and we keep a margin.
 */
export const STATE_KEY_BYTES_MAX = 1024;

/** Entries a state scan returns when the caller gives no limit. */
export const STATE_RANGE_LIMIT_DEFAULT = 1_000;
/** Most entries one state scan may return: a scan holds them all in memory. */
export const STATE_RANGE_LIMIT_MAX = 10_000;

/** Entries a history query returns when the caller gives no limit. */
export const HISTORY_LIMIT_DEFAULT = 1_000;
/** Most entries one history query may return. */
export const HISTORY_LIMIT_MAX = 10_000;

/** Most results in one block; matches the largest block the decoder accepts. */
export const RESULTS_PER_BLOCK_MAX = 1_000_000;

/**
 * Address space reserved for the map when the caller gives none: 1 TiB. It is
 * virtual memory, not disk: without a write map the data file grows only as
 * pages are used, and a too-small map would fail writes with MDB_MAP_FULL.
 */
export const MAP_SIZE_BYTES_DEFAULT = 1024 ** 4;
