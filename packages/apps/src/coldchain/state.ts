import type { MktAccumulator } from "./mkt.ts";
import type { ColdChainPolicy, Excursion } from "./types.ts";

/** A continuous stretch beyond a single rule's threshold, still open. */
export interface OpenRun {
  startIndex: number;
  startMs: number;
  durationMs: number;
  minMilliC: number;
  maxMilliC: number;
}

/** Time beyond a cumulative rule's threshold so far. */
export interface CumulativeTotal {
  totalMs: number;
  firstIndex?: number;
  firstMs?: number;
  lastIndex?: number;
  lastEndMs?: number;
  limitReachedAtMs?: number;
}

/**
 * Everything an evaluation needs to continue with more readings: a plain
 * JSON-able value, so it can be stored (e.g. in contract state) between
 * batches.
 */
export interface ColdChainState {
  policy: ColdChainPolicy;
  acceptedCount: number;
  duplicateCount: number;
  outOfOrderCount: number;
  last?: { timeMs: number; milliC: number };
  firstMs?: number;
  minMilliC?: number;
  maxMilliC?: number;
  /** One entry per rule, in rule order: the open run (single) or the running total (cumulative). */
  runs: Array<OpenRun | null>;
  totals: Array<CumulativeTotal | null>;
  /** Closed single excursions and gaps, in the order they closed. */
  closed: Excursion[];
  mkt: MktAccumulator;
}

/** The state before any reading. */
export function initialState(policy: ColdChainPolicy): ColdChainState {
  return {
    policy,
    acceptedCount: 0,
    duplicateCount: 0,
    outOfOrderCount: 0,
    runs: policy.rules.map(() => null),
    totals: policy.rules.map((r) => (r.kind === "cumulative" ? { totalMs: 0 } : null)),
    closed: [],
    mkt: { weightedSum: 0, totalWeightMs: 0 },
  };
}
