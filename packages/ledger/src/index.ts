export { prefixEnd } from "./keys.ts";
export { Ledger } from "./ledger.ts";
export {
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
  MAP_SIZE_BYTES_DEFAULT,
  STATE_KEY_BYTES_MAX,
  STATE_RANGE_LIMIT_DEFAULT,
  STATE_RANGE_LIMIT_MAX,
} from "./limits.ts";
export type {
  BlockCommitData,
  HistoryEntry,
  HistoryOptions,
  LedgerOpenOptions,
  RawBlockRecord,
  StateEntry,
  StateRangeOptions,
  StateWrite,
  TxLocation,
  TxWrites,
} from "./types.ts";
