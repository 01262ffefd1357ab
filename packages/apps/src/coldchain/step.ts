import { isBeyond } from "./condition.ts";
import { mktAdd } from "./mkt.ts";
import type { ColdChainState } from "./state.ts";

/**
 * Feeds one reading (already in integer milli-degrees) into the state.
 *
 * Interpolation rule: a reading holds its value from its own time until the
 * next reading (sample and hold, no linear interpolation), so time beyond a
 * threshold is the sum of the intervals that start at a reading beyond it.
 * The last reading holds for no time until another arrives. A reading at the
 * same time as the previous one is a duplicate and is dropped (the first one
 * wins); an older one is dropped as out of order. Both are counted.
 */
export function stepReading(s: ColdChainState, timeMs: number, milliC: number): void {
  const last = s.last;
  if (last !== undefined && timeMs === last.timeMs) {
    s.duplicateCount++;
    return;
  }
  if (last !== undefined && timeMs < last.timeMs) {
    s.outOfOrderCount++;
    return;
  }
  const index = s.acceptedCount;
  const { rules, maxGapMs } = s.policy;
  if (last !== undefined) {
    const dt = timeMs - last.timeMs;
    if (maxGapMs !== null && dt > maxGapMs) {
      s.closed.push({
        ruleId: "gap",
        kind: "gap",
        startIndex: index - 1,
        endIndex: index,
        startMs: last.timeMs,
        endMs: timeMs,
        durationMs: dt,
        limitReachedAtMs: last.timeMs + maxGapMs,
        ongoing: false,
      });
    }
    rules.forEach((rule, r) => {
      if (!isBeyond(rule.condition, last.milliC)) return;
      const run = s.runs[r];
      if (run !== null) run.durationMs += dt;
      const total = s.totals[r];
      if (total !== null) {
        if (total.firstIndex === undefined) {
          total.firstIndex = index - 1;
          total.firstMs = last.timeMs;
        }
        if (total.limitReachedAtMs === undefined && total.totalMs + dt > rule.limitMs) {
          total.limitReachedAtMs = last.timeMs + (rule.limitMs - total.totalMs);
        }
        total.totalMs += dt;
        total.lastIndex = index - 1;
        total.lastEndMs = timeMs;
      }
    });
    mktAdd(s.mkt, last.milliC, dt);
  }
  rules.forEach((rule, r) => {
    if (rule.kind !== "single") return;
    const run = s.runs[r];
    if (isBeyond(rule.condition, milliC)) {
      if (run === null) {
        s.runs[r] = { startIndex: index, startMs: timeMs, durationMs: 0, minMilliC: milliC, maxMilliC: milliC };
      } else {
        run.minMilliC = Math.min(run.minMilliC, milliC);
        run.maxMilliC = Math.max(run.maxMilliC, milliC);
      }
    } else if (run !== null) {
      if (run.durationMs > rule.limitMs) {
        s.closed.push({
          ruleId: rule.id,
          kind: "single",
          startIndex: run.startIndex,
          endIndex: index - 1,
          startMs: run.startMs,
          endMs: timeMs,
          durationMs: run.durationMs,
          limitReachedAtMs: run.startMs + rule.limitMs,
          ongoing: false,
          minMilliC: run.minMilliC,
          maxMilliC: run.maxMilliC,
        });
      }
      s.runs[r] = null;
    }
  });
  s.last = { timeMs, milliC };
  s.firstMs ??= timeMs;
  s.minMilliC = Math.min(s.minMilliC ?? milliC, milliC);
  s.maxMilliC = Math.max(s.maxMilliC ?? milliC, milliC);
  s.acceptedCount++;
}
