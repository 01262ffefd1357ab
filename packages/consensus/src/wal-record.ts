import type { ConsensusEvent } from "./types.ts";

/**
 * One WAL record: an input the core accepted. The core is deterministic, so
 * feeding the records of a height back in order rebuilds its state exactly
 * (including the proposal it built and the votes it cast).
 */
export interface WalRecord {
  type: "event";
  event: ConsensusEvent;
}
