import { CityChainError, ErrorCode } from "@citychain/protocol";
import { isBeyond, toMilliC } from "./condition.ts";
import { mktCelsius } from "./mkt.ts";
import { checkPolicy } from "./policy.ts";
import { type ColdChainState, initialState } from "./state.ts";
import { stepReading } from "./step.ts";
import type { ColdChainEvaluation, ColdChainPolicy, Excursion, Reading } from "./types.ts";

/** Most readings one call accepts; split longer series into batches (see continueColdChain). */
export const COLDCHAIN_READINGS_MAX = 1_000_000;

function readingError(index: number, message: string): CityChainError<{ code: ErrorCode }> {
  return new CityChainError({ code: ErrorCode.COLDCHAIN_READING_INVALID }, `reading ${index}: ${message}`);
}

/** Checks readings and orders them by time (stable, so equal times keep their input order). */
function prepare(readings: readonly Reading[]): Array<{ timeMs: number; milliC: number }> {
  if (readings.length > COLDCHAIN_READINGS_MAX) {
    throw new CityChainError(
      { code: ErrorCode.COLDCHAIN_READING_INVALID },
      `${readings.length} readings in one call, over the limit of ${COLDCHAIN_READINGS_MAX}; send them in batches`,
    );
  }
  const out = readings.map((r, i) => {
    if (!Number.isSafeInteger(r.timeMs)) throw readingError(i, `timeMs must be an integer, got ${r.timeMs}`);
    if (!Number.isFinite(r.celsius)) throw readingError(i, `celsius must be a finite number, got ${r.celsius}`);
    return { timeMs: r.timeMs, milliC: toMilliC(r.celsius) };
  });
  return out.sort((a, b) => a.timeMs - b.timeMs);
}

function copyState(s: ColdChainState): ColdChainState {
  return structuredClone(s);
}

/**
 * Adds readings to an evaluation state and returns the new state (the given
 * one is not changed). Each batch is ordered by time; a reading older than
 * the last one already used is dropped and counted. For readings in time
 * order, any split into batches gives the same result as one batch.
 */
export function continueColdChain(state: ColdChainState, readings: readonly Reading[]): ColdChainState {
  const next = copyState(state);
  for (const r of prepare(readings)) stepReading(next, r.timeMs, r.milliC);
  return next;
}

/** A fresh evaluation state for a policy (checked; COLDCHAIN_PROFILE_INVALID if wrong). */
export function startColdChain(policy: ColdChainPolicy): ColdChainState {
  checkPolicy(policy);
  return initialState(structuredClone(policy));
}

function compareExcursions(a: Excursion, b: Excursion): number {
  return a.startMs - b.startMs || a.endMs - b.endMs || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

/** The evaluation a state stands for: closed excursions plus open ones already over their limit. */
export function coldChainResult(s: ColdChainState): ColdChainEvaluation {
  const excursions = [...s.closed];
  const last = s.last;
  s.policy.rules.forEach((rule, r) => {
    const run = s.runs[r];
    if (run !== null && last !== undefined && run.durationMs > rule.limitMs) {
      excursions.push({
        ruleId: rule.id,
        kind: "single",
        startIndex: run.startIndex,
        endIndex: s.acceptedCount - 1,
        startMs: run.startMs,
        endMs: last.timeMs,
        durationMs: run.durationMs,
        limitReachedAtMs: run.startMs + rule.limitMs,
        ongoing: true,
        minMilliC: run.minMilliC,
        maxMilliC: run.maxMilliC,
      });
    }
    const total = s.totals[r];
    if (total?.limitReachedAtMs !== undefined && total.totalMs > rule.limitMs) {
      excursions.push({
        ruleId: rule.id,
        kind: "cumulative",
        startIndex: total.firstIndex as number,
        endIndex: total.lastIndex as number,
        startMs: total.firstMs as number,
        endMs: total.lastEndMs as number,
        durationMs: total.totalMs,
        limitReachedAtMs: total.limitReachedAtMs,
        ongoing: last !== undefined && isBeyond(rule.condition, last.milliC),
      });
    }
  });
  excursions.sort(compareExcursions);
  const result: ColdChainEvaluation = {
    excursions,
    acceptedCount: s.acceptedCount,
    duplicateCount: s.duplicateCount,
    outOfOrderCount: s.outOfOrderCount,
  };
  const mkt = mktCelsius(s.mkt, last?.milliC);
  if (mkt !== undefined) result.mktC = mkt;
  if (s.minMilliC !== undefined) result.minMilliC = s.minMilliC;
  if (s.maxMilliC !== undefined) result.maxMilliC = s.maxMilliC;
  if (s.firstMs !== undefined) result.firstMs = s.firstMs;
  if (last !== undefined) result.lastMs = last.timeMs;
  return result;
}

/**
 * Evaluates readings against a policy (see presets and policyOfProfile):
 * single and cumulative excursions, freeze alarms, gaps, mean kinetic
 * temperature. Readings are ordered by time first; integer milli-degrees
 * and milliseconds throughout, so every node computes the same result.
 */
export function evaluateColdChain(readings: readonly Reading[], policy: ColdChainPolicy): ColdChainEvaluation {
  return coldChainResult(continueColdChain(startColdChain(policy), readings));
}
