import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ColdChainEvaluation,
  coldChainPresets,
  coldChainResult,
  continueColdChain,
  type Excursion,
  evaluateColdChain,
  policyOfProfile,
  type Reading,
  startColdChain,
  vaccine2to8Profile,
} from "../../src/index.ts";
import { readVectors, thrownCode } from "../helpers.ts";

interface Vectors {
  cases: Array<{
    name: string;
    policy: string;
    readings: Reading[];
    expected: { acceptedCount: number; duplicateCount: number; excursions: Excursion[]; mktC: number };
  }>;
}
const { cases } = readVectors<Vectors>("coldchain/evaluations.json");

describe("cold-chain evaluation (vectors/coldchain/evaluations.json)", () => {
  it.each(cases)("$name", (v) => {
    const policy = coldChainPresets[v.policy];
    expect(policy, v.policy).toBeDefined();
    const result = evaluateColdChain(v.readings, policy);
    expect(result.excursions, v.name).toEqual(v.expected.excursions);
    expect(result.acceptedCount, v.name).toBe(v.expected.acceptedCount);
    expect(result.duplicateCount, v.name).toBe(v.expected.duplicateCount);
    expect(result.mktC, v.name).toBeCloseTo(v.expected.mktC, 9);
  });
});

const HOUR = 3_600_000;

/** Readings in time order, with repeated times allowed, temperatures to 0.1 °C. */
const sortedReadings = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 3 * HOUR }), fc.integer({ min: -100, max: 500 })), { maxLength: 60 })
  .map((steps) => {
    let t = 0;
    return steps.map(([dt, deci]) => {
      t += dt;
      return { timeMs: t, celsius: deci / 10 };
    });
  });

function splitAt(readings: Reading[], cuts: number[]): Reading[][] {
  const points = [...new Set(cuts.map((c) => c % (readings.length + 1)))].sort((a, b) => a - b);
  const parts: Reading[][] = [];
  let from = 0;
  for (const p of points) {
    parts.push(readings.slice(from, p));
    from = p;
  }
  parts.push(readings.slice(from));
  return parts;
}

describe("incremental evaluation", () => {
  it.each(Object.keys(coldChainPresets))("any split of the readings gives the same result (%s)", (name) => {
    const policy = coldChainPresets[name];
    fc.assert(
      fc.property(sortedReadings, fc.array(fc.nat(), { maxLength: 6 }), (readings, cuts) => {
        const whole: ColdChainEvaluation = evaluateColdChain(readings, policy);
        let state = startColdChain(policy);
        for (const part of splitAt(readings, cuts)) state = continueColdChain(state, part);
        expect(coldChainResult(state)).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it("does not change the state it is given, and the state survives JSON", () => {
    const policy = coldChainPresets.vaccine2to8;
    const start = startColdChain(policy);
    const after = continueColdChain(start, [{ timeMs: 0, celsius: 9 }]);
    expect(start.acceptedCount).toBe(0);
    const revived = JSON.parse(JSON.stringify(after));
    const more = [{ timeMs: 11 * HOUR, celsius: 5 }];
    expect(coldChainResult(continueColdChain(revived, more))).toEqual(coldChainResult(continueColdChain(after, more)));
  });

  it("drops a reading older than one already used and counts it", () => {
    const policy = coldChainPresets.vaccine2to8;
    const state = continueColdChain(startColdChain(policy), [{ timeMs: HOUR, celsius: 5 }]);
    const result = coldChainResult(continueColdChain(state, [{ timeMs: 0, celsius: 30 }]));
    expect(result.outOfOrderCount).toBe(1);
    expect(result.acceptedCount).toBe(1);
    expect(result.maxMilliC).toBe(5000);
  });
});

describe("profiles and readings", () => {
  it("turns the 2-8 °C profile into single, cumulative and low-alarm rules", () => {
    expect(policyOfProfile(vaccine2to8Profile).rules.map((r) => [r.id, r.kind, r.limitMs])).toEqual([
      ["single-excursion", "single", 10 * HOUR],
      ["cumulative-excursion", "cumulative", 20 * HOUR],
      ["low-alarm", "single", HOUR],
    ]);
  });

  it.each([
    ["min above max", { ...vaccine2to8Profile, minC: 9 }],
    ["negative limit", { ...vaccine2to8Profile, singleExcursionMaxMs: -1 }],
    ["fractional gap", { ...vaccine2to8Profile, maxGapMs: 1.5 }],
    ["zero gap", { ...vaccine2to8Profile, maxGapMs: 0 }],
  ])("rejects a profile with %s", (_, profile) => {
    expect(thrownCode(() => policyOfProfile(profile))?.code).toBe("COLDCHAIN_PROFILE_INVALID");
  });

  it.each([
    ["a fractional time", { timeMs: 1.5, celsius: 4 }],
    ["a missing temperature", { timeMs: 0, celsius: Number.NaN }],
  ])("rejects %s", (_, reading) => {
    const error = thrownCode(() =>
      evaluateColdChain([{ timeMs: 0, celsius: 4 }, reading], coldChainPresets.vaccine2to8),
    );
    expect(error?.code).toBe("COLDCHAIN_READING_INVALID");
    expect(error?.message).toContain("reading 1");
  });

  it("reports nothing for no readings", () => {
    expect(evaluateColdChain([], coldChainPresets.whoPqsType1)).toEqual({
      excursions: [],
      acceptedCount: 0,
      duplicateCount: 0,
      outOfOrderCount: 0,
    });
  });
});
