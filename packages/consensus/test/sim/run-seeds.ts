import { expect } from "vitest";
import type { ScenarioName } from "../../src/sim/scenario.ts";
import { replayCommand, type SimResult, simulate } from "../../src/sim/simulator.ts";

/** Seeds per scenario; SIM_SEEDS raises it for a longer soak (e.g. SIM_SEEDS=20000). */
export const SEEDS_PER_SCENARIO = Number(process.env.SIM_SEEDS ?? 500);
/** SIM_SEED_OFFSET explores other seeds than the ones CI runs. */
const SEED_OFFSET = Number(process.env.SIM_SEED_OFFSET ?? 0);

export interface SeedsSummary {
  runs: number;
  evidence: number;
  /** Slowest recovery after heal (virtual ms). */
  livenessMsMax: number;
  results: SimResult[];
}

/** Runs the scenario's seeds; the first failure fails the test with the command that replays it. */
export function runSeeds(scenario: ScenarioName): SeedsSummary {
  const summary: SeedsSummary = { runs: 0, evidence: 0, livenessMsMax: 0, results: [] };
  for (let seed = 1 + SEED_OFFSET; seed <= SEEDS_PER_SCENARIO + SEED_OFFSET; seed++) {
    const r = simulate(scenario, seed);
    const v = r.violations[0];
    if (v !== undefined) {
      const command = replayCommand(scenario, seed);
      console.error(`simulation failed: ${v.property}: ${v.message}\n  replay: ${command}`);
      expect.fail(`${scenario} seed ${seed}: ${v.property}: ${v.message}\n  replay with: ${command}`);
    }
    summary.runs++;
    summary.evidence += r.evidence;
    summary.livenessMsMax = Math.max(summary.livenessMsMax, r.livenessMs ?? 0);
  }
  return summary;
}
