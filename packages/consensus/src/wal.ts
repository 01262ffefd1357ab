import { CityChainError, ErrorCode } from "@citychain/protocol";
import { ConsensusCore, type CoreOptions } from "./core.ts";
import type { ConsensusAction } from "./types.ts";
import type { WalRecord } from "./wal-record.ts";

export type { WalRecord } from "./wal-record.ts";

/** The result of replaying a WAL: the rebuilt core and what the node must do again. */
export interface Replayed {
  core: ConsensusCore;
  /** Actions to carry out now (timeouts, re-sends, pending application requests, an uncommitted decision). */
  actions: ConsensusAction[];
}

function walInvalid(message: string): CityChainError<{ code: "CONSENSUS_WAL_INVALID" }> {
  return new CityChainError({ code: ErrorCode.CONSENSUS_WAL_INVALID }, message);
}

/** Index of the last start record; records before it belong to finished heights. */
function lastStart(records: readonly WalRecord[]): number {
  for (let i = records.length - 1; i >= 0; i--) if (records[i].event.type === "start") return i;
  return -1;
}

/**
 * Rebuilds a core after a crash by feeding it the WAL records of the last
 * started height, in order. The core is deterministic, so it ends in the
 * state it had when the last record was written: same round, step, lock,
 * valid value, votes and own proposal. Actions produced while replaying were
 * already carried out (or are covered by `actions`) and are dropped.
 *
 * `createCore` lets the caller pick the core class (the simulator's broken
 * variant); by default a plain ConsensusCore.
 */
export function replay(
  records: readonly WalRecord[],
  options: CoreOptions,
  createCore: (options: CoreOptions) => ConsensusCore = (o) => new ConsensusCore(o),
): Replayed {
  const core = createCore(options);
  const from = lastStart(records);
  if (from === -1) {
    if (records.length > 0) throw walInvalid(`the WAL holds ${records.length} records but no start record`);
    return { core, actions: [] };
  }
  const height = records[from].event.type === "start" ? records[from].event.height : 0;
  for (let i = from; i < records.length; i++) {
    const r = records[i];
    if (r.type !== "event") throw walInvalid(`WAL record ${i} has unknown type ${String(r.type)}`);
    core.handle(r.event);
    if (core.height !== height) throw walInvalid(`WAL record ${i} moved the core off height ${height}`);
  }
  return { core, actions: core.resumeActions() };
}
