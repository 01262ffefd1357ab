import { describe, expect, it } from "vitest";
import { LIVENESS_BOUND_MS } from "../../src/sim/scenario.ts";
import { runSeeds, SEEDS_PER_SCENARIO } from "./run-seeds.ts";

describe("simulator: safety on every seed, liveness after heal", () => {
  it("calm", () => {
    const s = runSeeds("calm");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    // No byzantine validator here: no evidence may appear (it would accuse an honest one).
    expect(s.evidence).toBe(0);
    console.log(
      `calm: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
  it("lossy", () => {
    const s = runSeeds("lossy");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    // No byzantine validator here: no evidence may appear (it would accuse an honest one).
    expect(s.evidence).toBe(0);
    console.log(
      `lossy: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
  it("partition", () => {
    const s = runSeeds("partition");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    // No byzantine validator here: no evidence may appear (it would accuse an honest one).
    expect(s.evidence).toBe(0);
    console.log(
      `partition: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
  it("asymmetric", () => {
    const s = runSeeds("asymmetric");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    // No byzantine validator here: no evidence may appear (it would accuse an honest one).
    expect(s.evidence).toBe(0);
    console.log(
      `asymmetric: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
  it("crash", () => {
    const s = runSeeds("crash");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    // No byzantine validator here: no evidence may appear (it would accuse an honest one).
    expect(s.evidence).toBe(0);
    console.log(
      `crash: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
  it("skew", () => {
    const s = runSeeds("skew");
    expect(s.runs).toBe(SEEDS_PER_SCENARIO);
    expect(s.livenessMsMax).toBeLessThanOrEqual(LIVENESS_BOUND_MS);
    // No byzantine validator here: no evidence may appear (it would accuse an honest one).
    expect(s.evidence).toBe(0);
    console.log(
      `skew: ${s.runs} seeds, slowest recovery ${Math.round(s.livenessMsMax)} ms virtual after heal, ${s.evidence} evidence`,
    );
  });
});
