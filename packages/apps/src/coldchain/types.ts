/** One temperature reading: when (Unix ms) and what (degrees Celsius). */
export interface Reading {
  timeMs: number;
  celsius: number;
}

/**
 * A product's storage requirement in the shape product specifications use:
 * allowed range, the longest single and total time outside it, the longest
 * silence between readings, and an optional low (freeze) alarm.
 */
export interface ColdChainProfile {
  minC: number;
  maxC: number;
  /** Longest allowed continuous time outside [minC, maxC]. */
  singleExcursionMaxMs: number;
  /** Longest allowed total time outside [minC, maxC]. */
  cumulativeExcursionMaxMs: number;
  /** Longest allowed interval between two readings. */
  maxGapMs: number;
  /** Alarm when the temperature stays at or below thresholdC for longer than durationMs. */
  lowAlarm?: { thresholdC: number; durationMs: number };
}

/** When a reading counts as beyond a rule's threshold (temperatures in milli-degrees Celsius). */
export type AlarmCondition =
  | { op: ">" | ">=" | "<" | "<="; milliC: number }
  | { op: "outside"; minMilliC: number; maxMilliC: number };

/**
 * One alarm rule: "single" alarms when one continuous stretch beyond the
 * threshold lasts longer than limitMs, "cumulative" when all such time adds
 * up to more than limitMs.
 */
export interface AlarmRule {
  id: string;
  kind: "single" | "cumulative";
  condition: AlarmCondition;
  limitMs: number;
}

/** The rules an evaluation applies, plus the gap alarm (null: no gap alarm). */
export interface ColdChainPolicy {
  rules: AlarmRule[];
  maxGapMs: number | null;
}

/** An alarm with the readings involved (indices into the accepted, time-ordered readings). */
export interface Excursion {
  /** The rule's id, or "gap". */
  ruleId: string;
  kind: "single" | "cumulative" | "gap";
  startIndex: number;
  endIndex: number;
  startMs: number;
  endMs: number;
  /** Time beyond the threshold (single: the stretch; cumulative: the total; gap: the silence). */
  durationMs: number;
  /** When the rule's limit was reached (the alarm is raised once it is exceeded). */
  limitReachedAtMs: number;
  /** True when the stretch is still going on at the last reading. */
  ongoing: boolean;
  /** Lowest and highest temperature during a single excursion, in milli-degrees. */
  minMilliC?: number;
  maxMilliC?: number;
}

/** What an evaluation reports. */
export interface ColdChainEvaluation {
  excursions: Excursion[];
  /** Readings used (after dropping duplicates and late ones). */
  acceptedCount: number;
  /** Readings with the same time as the previous one (the first one is kept). */
  duplicateCount: number;
  /** Readings older than one already used (only possible across incremental batches). */
  outOfOrderCount: number;
  /** Mean kinetic temperature over the covered time, °C; undefined without readings. */
  mktC?: number;
  minMilliC?: number;
  maxMilliC?: number;
  firstMs?: number;
  lastMs?: number;
}
