import { describe, expect, it } from "vitest";
import { LIVENESS_BOUND_MS } from "../../src/sim/scenario.ts";
import { runSeeds, SEEDS_PER_SCENARIO } from "./run-seeds.ts";

describe("simulator: safety on every seed, liveness after heal", () => {
  it("twins", () => {
    const s = runSeeds("twins");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    // Byzantine validators double-sign: honest nodes must have caught some of it.
    expect(s.evidence).toBeGreaterThan(0);
    console.log(
      `twins: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
  it("equivocator", () => {
    const s = runSeeds("equivocator");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    // Byzantine validators double-sign: honest nodes must have caught some of it.
    expect(s.evidence).toBeGreaterThan(0);
    console.log(
      `equivocator: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
  it("weighted", () => {
    const s = runSeeds("weighted");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    console.log(
      `weighted: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
  it("chaos", () => {
    const s = runSeeds("chaos");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    console.log(
      `chaos: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
});
