import { describe, expect, it } from "vitest";
import { LockIgnoringCore } from "../../src/sim/broken-core.ts";
import type { ScenarioName } from "../../src/sim/scenario.ts";
import { replayCommand, simulate } from "../../src/sim/simulator.ts";

/** The checks are worth something only if they can fail: a core that ignores its lock must be caught. */
const SEEDS_MAX = 1_000;

function firstSafetyViolation(scenario: ScenarioName): { seed: number; property: string } | undefined {
  for (let seed = 1; seed <= SEEDS_MAX; seed++) {
    const r = simulate(scenario, seed, (o) => new LockIgnoringCore(o));
    const v = r.violations.find((x) => x.property !== "liveness");
    if (v !== undefined) return { seed, property: v.property };
  }
  return undefined;
}

describe("simulator: a deliberately broken core is caught", () => {
  for (const scenario of ["chaos", "weighted"] as const) {
    it(`catches a core that ignores its lock (${scenario})`, () => {
      const found = firstSafetyViolation(scenario);
      expect(found, `no seed of ${scenario} up to ${SEEDS_MAX} caught the lock-ignoring core`).toBeDefined();
      expect(found?.property).toBe("agreement");
      console.log(
        `ignore-lock caught on ${scenario} seed ${found?.seed}: ${replayCommand(scenario, found?.seed ?? 0, "ignore-lock")}`,
      );
    });
  }
});
