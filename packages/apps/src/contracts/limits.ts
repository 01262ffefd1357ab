/**
 * Bounds of the application contracts. Every transaction touches a bounded
 * number of keys whatever its input, well inside the runtime's caps (10,000
 * written keys and 8 MiB per transaction, 64 events): each limit below is
 * checked before work starts and exceeding it is a coded error
 * (APP_LIMIT_EXCEEDED or the domain's own), never a truncated result.
 */

/** Serial numbers one `Products:RegisterItems` call may register (about 3 writes each). */
export const ITEMS_PER_REGISTER_MAX = 1_000;

/** Bytes of the JSON `attributes` a product, item, batch or device record may carry. */
export const ATTRIBUTES_BYTES_MAX = 4_096;

/** Events one `Epcis:Capture` call may carry. */
export const CAPTURE_EVENTS_MAX = 200;

/** EPC references (all lists of all events) one capture may carry: each costs a few writes. */
export const CAPTURE_EPCS_MAX = 1_500;

/** Longest identifier or location key stored in an index (the runtime allows 1,024-character keys). */
export const KEY_PART_CHARS_MAX = 400;

/** Levels of nesting (item in case in pallet in container ...), counted from the top. */
export const CONTAINMENT_DEPTH_MAX = 8;

/** Children one parent may hold directly: a DELETE without children lists and releases them all. */
export const CHILDREN_PER_PARENT_MAX = 1_000;

/** Distinct batches a container may hold (its content summary, and its custody-change writes). */
export const CONTAINER_BATCHES_MAX = 50;

/** Custody changes remembered per unit, to name the custodian at a past time. */
export const CUSTODY_HISTORY_MAX = 8;

/** Index entries one `Epcis:Query` call may read before it returns a page token. */
export const QUERY_SCAN_ENTRIES_MAX = 2_000;

/** Stored events one `Epcis:Trace` call may read, and the identifiers it may follow. */
export const TRACE_EVENTS_FETCH_MAX = 2_000;
export const TRACE_KEYS_MAX = 500;

/** Events `Products:Resolve` lists (the unit's and its containers'), oldest first. */
export const RESOLVE_EVENTS_MAX = 200;

/** Holder organisations a recall reads; one RecallNotice each up to RECALL_NOTICE_EVENTS_MAX. */
export const RECALL_HOLDERS_MAX = 1_000;
export const RECALL_NOTICE_EVENTS_MAX = 60;

/** Readings one `ColdChain:RecordReadings` call may carry. */
export const READINGS_PER_CALL_MAX = 2_000;

/** How far ahead of block time a reading or an anchor may end (clock skew of devices and gateways). */
export const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Alarms detailed in one Excursion event, and readings quoted in it in all
 * (the rest are counted), so the event stays far below the runtime's 64 KiB
 * per event whatever the readings.
 */
export const EXCURSION_EVENT_ALARMS_MAX = 20;
export const EXCURSION_READINGS_MAX = 100;

/** Excursions and releases remembered per batch and device series. */
export const ALARMS_PER_SERIES_MAX = 256;
export const RELEASES_PER_BATCH_MAX = 16;

/** Device series one `ColdChain:Status` call lists for a batch. */
export const STATUS_SERIES_MAX = 100;

/** Key material and DID documents: size and verification methods read. */
export const DEVICE_KEY_BYTES_MAX = 8_192;
export const DEVICE_KEYS_MAX = 8;
export const DEVICE_ROTATIONS_KEPT = 16;

/** Devices one telemetry anchor may name, and readings it may count. */
export const ANCHOR_DEVICES_MAX = 1_000;
export const ANCHOR_READINGS_MAX = 10_000_000;

/** Length of names: device and gateway ids, reasons and notes. */
export const ID_CHARS_MAX = 200;
export const NOTE_CHARS_MAX = 1_000;
