/**
 * Bounds on what one API call may read through the host. Each is checked
 * before it is exceeded and raises `CONTRACT_QUERY_LIMIT` with its name, so a
 * contract learns which bound it hit instead of silently getting fewer
 * results (Fabric truncates at the peer's `totalQueryLimit`).
 */

/**
 * Keys a range or partial-composite-key iterator may return in total, and the
 * largest page size. Fabric's default `totalQueryLimit` is the same figure.
 */
export const RANGE_QUERY_KEYS_MAX = 100_000;

/** Keys fetched from the host per round trip while a range iterator is walked. */
export const RANGE_QUERY_BATCH_KEYS = 100;

/**
 * Keys a rich (Mango) query may scan. There is no index: every key of the
 * contract (or collection) is read and its value parsed, so this bounds the
 * work of one query. A query with no `sort` stops scanning once it has enough
 * matches, so it counts only the keys it actually read.
 */
export const QUERY_SCAN_KEYS_MAX = 10_000;

/** Keys fetched from the host per round trip while a rich query scans. */
export const QUERY_SCAN_BATCH_KEYS = 100;

/** Past values `getHistoryForKey` may return for one key. */
export const HISTORY_QUERY_ENTRIES_MAX = 10_000;
