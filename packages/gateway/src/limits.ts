/**
 * Named bounds of the gateway, each with its unit. Exceeding one is a coded
 * error (the reading's or the request's), never a truncated answer.
 */

/** Encoded bytes of one reading (canonical CBOR of {deviceId, seq, timeMs, values}). */
export const READING_BYTES_MAX = 1_024;

/** Named values one reading may carry, and the length of a name and of a text value. */
export const READING_VALUES_MAX = 32;
export const VALUE_NAME_CHARS_MAX = 64;
export const VALUE_TEXT_CHARS_MAX = 256;

/**
 * Characters of a device id: the Devices contract's ID_CHARS_MAX, so any id
 * registered on chain fits (a longer one could not be registered anyway).
 */
export const DEVICE_ID_CHARS_MAX = 200;

/** Keys a device may have (a DID document's verification methods): the Devices contract's DEVICE_KEYS_MAX. */
export const DEVICE_KEYS_MAX = 8;

/**
 * Readings one signed device batch may carry (one signature over their
 * Merkle root). A batch's proof path is at most log2 of it (10 hashes).
 */
export const DEVICE_BATCH_READINGS_MAX = 1_000;

/**
 * Signatures a request needs at or below which intake checks them on the
 * main thread rather than on the worker pool: a request of device batches
 * needs one per batch, and a hand-off to a worker costs more than one check
 * (about 70 µs for Ed25519).
 */
export const VERIFY_HERE_JOBS_MAX = 4;

/** Readings one POST /v1/readings request may carry (single and in device batches together), and its body size. */
export const READINGS_PER_REQUEST_MAX = 5_000;
export const REQUEST_BYTES_MAX = 4 * 1024 * 1024;

/**
 * Readings and distinct devices one batch (one on-chain anchor) may hold. The
 * Telemetry contract refuses an anchor naming more than ANCHOR_DEVICES_MAX
 * (1,000) devices or counting more than ANCHOR_READINGS_MAX (10,000,000)
 * readings; a batch is sealed as soon as it reaches either bound here.
 */
export const BATCH_READINGS_MAX = 1_000_000;
export const BATCH_DEVICES_MAX = 1_000;

/** Largest count of one rejection reason an anchor may carry (the contract's ANCHOR_READINGS_MAX); the rest carries over. */
export const ANCHOR_REJECTED_COUNT_MAX = 10_000_000;

/**
 * Readings accepted but not yet anchored (open and sealed batches). When
 * anchoring falls behind (chain unreachable), intake answers
 * GATEWAY_BACKLOG_FULL instead of letting memory grow.
 */
export const PENDING_READINGS_MAX = 2_000_000;

/** Device records the directory keeps (active, revoked and unknown ids alike). */
export const DEVICE_CACHE_ENTRIES_MAX = 100_000;

/** Device records fetched from the chain at once (Devices:Get queries in flight). */
export const DEVICE_FETCHES_IN_FLIGHT_MAX = 16;

/** Batches whose Merkle levels are kept in memory to answer proofs. */
export const PROOF_TREE_CACHE_BATCHES_MAX = 8;

/** Heights after the current one that an anchoring transaction stays valid. */
export const ANCHOR_TX_EXPIRY_HEIGHTS = 100;

/** How long one anchoring submission waits for its commit. */
export const ANCHOR_COMMIT_WAIT_MS = 30_000;

/** Longest pause between retries of a failed anchor or a closed chain stream. */
export const RETRY_DELAY_MS_MAX = 5_000;

/**
 * Reading ids one transaction of the id index writes. A write transaction
 * holds LMDB's write lock, and the intake's commits (which answer requests)
 * wait behind it: 10,000 random inserts hold it for some 20 ms, where a
 * whole batch of 100,000 would stall requests for a few hundred.
 */
export const INDEX_TXN_IDS_MAX = 10_000;

/** Defaults of the gateway's configuration. */
export const ANCHOR_INTERVAL_MS_DEFAULT = 2_000;
export const BATCH_READINGS_DEFAULT = 100_000;
/** How long a device record fetched from the chain is trusted when no stream event refreshes it. */
export const DEVICE_CACHE_TTL_MS_DEFAULT = 60_000;

/** LMDB map size of the gateway store (the file grows up to it). */
export const STORE_MAP_SIZE_BYTES_DEFAULT = 64 * 1024 * 1024 * 1024;
