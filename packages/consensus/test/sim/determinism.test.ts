import { describe, expect, it } from "vitest";
import { Prng } from "../../src/sim/prng.ts";
import { simulate } from "../../src/sim/simulator.ts";

describe("simulator determinism", () => {
  it("draws the same numbers from the same seed, different ones from another", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    for (let i = 0; i < 1000; i++) {
      const x = a.int(3, 9);
      expect(x >= 3 && x <= 9, `draw ${i}`).toBe(true);
    }
  });

  it("replays a run step for step from its seed", () => {
    for (const seed of [7, 565, 767]) {
      const first = simulate("chaos", seed);
      const again = simulate("chaos", seed);
      expect(again.steps, `seed ${seed}`).toBe(first.steps);
      expect(again.messages, `seed ${seed}`).toBe(first.messages);
      expect(again.endMs, `seed ${seed}`).toBe(first.endMs);
      expect(again.nodes, `seed ${seed}`).toEqual(first.nodes);
    }
  });
});
