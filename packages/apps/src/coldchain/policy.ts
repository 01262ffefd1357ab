import { CityChainError, ErrorCode } from "@citychain/protocol";
import { toMilliC } from "./condition.ts";
import type { ColdChainPolicy, ColdChainProfile } from "./types.ts";

function profileError(message: string): CityChainError<{ code: ErrorCode }> {
  return new CityChainError({ code: ErrorCode.COLDCHAIN_PROFILE_INVALID }, message);
}

function checkDuration(name: string, ms: unknown): void {
  if (typeof ms !== "number" || !Number.isSafeInteger(ms) || ms < 0) {
    throw profileError(`${name} must be a non-negative whole number of milliseconds, got ${String(ms)}`);
  }
}

/** Checks a policy's rules; throws COLDCHAIN_PROFILE_INVALID naming what is wrong. */
export function checkPolicy(policy: ColdChainPolicy): void {
  const ids = new Set<string>();
  for (const rule of policy.rules) {
    if (rule.id === "gap" || ids.has(rule.id)) throw profileError(`rule id "${rule.id}" is reserved or repeated`);
    ids.add(rule.id);
    checkDuration(`rule ${rule.id} limitMs`, rule.limitMs);
    const c = rule.condition;
    const values = c.op === "outside" ? [c.minMilliC, c.maxMilliC] : [c.milliC];
    if (values.some((v) => !Number.isSafeInteger(v)))
      throw profileError(`rule ${rule.id} thresholds must be integer milli-degrees`);
    if (c.op === "outside" && c.minMilliC >= c.maxMilliC) throw profileError(`rule ${rule.id} needs min below max`);
  }
  if (policy.maxGapMs !== null) {
    checkDuration("maxGapMs", policy.maxGapMs);
    if (policy.maxGapMs === 0) throw profileError("maxGapMs must be positive (or null for no gap alarm)");
  }
}

/**
 * The rules of a product profile: a single and a cumulative excursion
 * outside [minC, maxC] (strictly outside: the bounds themselves are in
 * range), the low alarm at or below its threshold, and the gap alarm.
 */
export function policyOfProfile(profile: ColdChainProfile): ColdChainPolicy {
  if (!Number.isFinite(profile.minC) || !Number.isFinite(profile.maxC) || profile.minC >= profile.maxC) {
    throw profileError(`minC (${profile.minC}) must be below maxC (${profile.maxC})`);
  }
  const outside = { op: "outside" as const, minMilliC: toMilliC(profile.minC), maxMilliC: toMilliC(profile.maxC) };
  const policy: ColdChainPolicy = {
    rules: [
      { id: "single-excursion", kind: "single", condition: outside, limitMs: profile.singleExcursionMaxMs },
      { id: "cumulative-excursion", kind: "cumulative", condition: outside, limitMs: profile.cumulativeExcursionMaxMs },
    ],
    maxGapMs: profile.maxGapMs,
  };
  if (profile.lowAlarm !== undefined) {
    if (!Number.isFinite(profile.lowAlarm.thresholdC)) throw profileError("lowAlarm.thresholdC must be a number");
    policy.rules.push({
      id: "low-alarm",
      kind: "single",
      condition: { op: "<=", milliC: toMilliC(profile.lowAlarm.thresholdC) },
      limitMs: profile.lowAlarm.durationMs,
    });
  }
  checkPolicy(policy);
  return policy;
}
