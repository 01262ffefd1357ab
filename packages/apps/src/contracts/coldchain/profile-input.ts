import { CityChainError, ErrorCode } from "@citychain/protocol";
import { checkPolicy, policyOfProfile } from "../../coldchain/policy.ts";
import { coldChainPresets } from "../../coldchain/presets.ts";
import type { AlarmRule, ColdChainPolicy, ColdChainProfile } from "../../coldchain/types.ts";
import { isPlainObject } from "../shared/args.ts";

function invalid(message: string): Error {
  return new CityChainError({ code: ErrorCode.COLDCHAIN_PROFILE_INVALID }, message);
}

const OPS = new Set([">", ">=", "<", "<=", "outside"]);

function checkRuleShape(rule: unknown, i: number): AlarmRule {
  const where = `rules[${i}]`;
  if (!isPlainObject(rule) || typeof rule.id !== "string" || (rule.kind !== "single" && rule.kind !== "cumulative")) {
    throw invalid(`${where} must be {id, kind: "single"|"cumulative", condition, limitMs}`);
  }
  const c = rule.condition;
  if (!isPlainObject(c) || typeof c.op !== "string" || !OPS.has(c.op))
    throw invalid(`${where}.condition.op must be one of ${[...OPS].join(" ")}`);
  const numbers = c.op === "outside" ? [c.minMilliC, c.maxMilliC] : [c.milliC];
  if (numbers.some((n) => typeof n !== "number"))
    throw invalid(`${where}.condition needs its thresholds in milli-degrees`);
  return rule as unknown as AlarmRule;
}

function policyOfJson(json: Record<string, unknown>): ColdChainPolicy {
  if (!Array.isArray(json.rules) || json.rules.length === 0 || json.rules.length > 16)
    throw invalid("rules must list 1 to 16 alarm rules");
  if (json.maxGapMs !== null && typeof json.maxGapMs !== "number")
    throw invalid("maxGapMs must be a number of milliseconds or null");
  const policy: ColdChainPolicy = { rules: json.rules.map(checkRuleShape), maxGapMs: json.maxGapMs };
  checkPolicy(policy);
  return policy;
}

function profileOfJson(json: Record<string, unknown>): ColdChainPolicy {
  for (const name of ["minC", "maxC", "singleExcursionMaxMs", "cumulativeExcursionMaxMs", "maxGapMs"]) {
    if (typeof json[name] !== "number") throw invalid(`profile ${name} must be a number`);
  }
  const low = json.lowAlarm;
  if (
    low !== undefined &&
    (!isPlainObject(low) || typeof low.thresholdC !== "number" || typeof low.durationMs !== "number")
  ) {
    throw invalid("profile lowAlarm must be {thresholdC, durationMs}");
  }
  return policyOfProfile(json as unknown as ColdChainProfile);
}

/**
 * A product's cold-chain rules from a preset name (`vaccine2to8`,
 * `freezeAlarm`, `whoPqsType1`, `whoPqsType2`, `who30DayRecorder`), a
 * profile `{minC, maxC, singleExcursionMaxMs, cumulativeExcursionMaxMs,
 * maxGapMs, lowAlarm?}` or a full policy `{rules, maxGapMs}`. Throws
 * COLDCHAIN_PROFILE_INVALID saying what is wrong.
 */
export function policyFromArg(value: string): { source: string; policy: ColdChainPolicy } {
  const text = value.trim();
  if (Object.hasOwn(coldChainPresets, text)) return { source: text, policy: structuredClone(coldChainPresets[text]) };
  if (!text.startsWith("{")) {
    throw invalid(`"${text}" is not a preset (${Object.keys(coldChainPresets).join(", ")}) nor a JSON profile`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(`the profile is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(json)) throw invalid("the profile must be a JSON object");
  return { source: "custom", policy: "rules" in json ? policyOfJson(json) : profileOfJson(json) };
}
