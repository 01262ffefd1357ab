import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  genesisProposerState,
  incrementProposerPriority,
  nextHeightProposerState,
  ProposerSchedule,
  type ProposerState,
  proposerAt,
} from "../src/index.ts";
import { addr, validators } from "./helpers.ts";

function nameOf(a: Uint8Array): string {
  return "ABCDEFG"[a[0] - 1];
}

function heightSequence(state: ProposerState, heights: number): string[] {
  const out: string[] = [];
  let s = state;
  for (let i = 0; i < heights; i++) {
    out.push(nameOf(proposerAt(s, 0)));
    s = nextHeightProposerState(s);
  }
  return out;
}

describe("weighted proposer rotation (CometBFT priorities)", () => {
  it("matches the hand-computed sequence for powers [1, 2, 3]", () => {
    // Priorities (A,B,C) after each height's increment: (1,2,-3) C, (2,-2,0) B, (-3,0,3) A [tie A/C at 3: lower
    // address wins], (-2,2,0) C, (-1,-2,3) B, (0,0,0) C, then the cycle repeats.
    const state = genesisProposerState(validators([1, 2, 3]));
    expect(heightSequence(state, 12).join("")).toBe("CBACBCCBACBC");
    expect(state.validators.map((v) => v.priority)).toEqual([1, 2, -3]);
  });

  it("rotates through equal powers in address order", () => {
    expect(heightSequence(genesisProposerState(validators([5, 5, 5, 5])), 8).join("")).toBe("ABCDABCD");
  });

  it("is identical across instances whatever order the validators are listed in", () => {
    const a = genesisProposerState(validators([1, 2, 3, 4]));
    const b = genesisProposerState(validators([1, 2, 3, 4]).reverse());
    expect(heightSequence(a, 50)).toEqual(heightSequence(b, 50));
  });

  it("gives round r of a height the proposer of r increments, computed incrementally or not", () => {
    const state = genesisProposerState(validators([1, 2, 3, 7]));
    const schedule = new ProposerSchedule(state);
    for (let r = 0; r < 40; r++) {
      expect(nameOf(schedule.proposerAt(r)), `round ${r}`).toBe(nameOf(proposerAt(state, r)));
    }
    const advanced = incrementProposerPriority(state, 3);
    expect(nameOf(advanced.validators[advanced.proposerIndex].address)).toBe(nameOf(proposerAt(state, 3)));
  });

  it("proposes in proportion to power over a full cycle", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }), (powers) => {
        const total = powers.reduce((x, y) => x + y, 0);
        const counts = new Map<string, number>();
        for (const n of heightSequence(genesisProposerState(validators(powers)), total * 4))
          counts.set(n, (counts.get(n) ?? 0) + 1);
        powers.forEach((p, i) => {
          expect(counts.get(nameOf(addr(i))) ?? 0, `powers ${powers} validator ${i}`).toBe(p * 4);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("refuses an empty set, zero power and duplicate addresses with a coded error", () => {
    expect(() => genesisProposerState([])).toThrow(/empty/);
    expect(() => genesisProposerState([{ address: addr(0), power: 0 }])).toThrow(/positive/);
    expect(() => genesisProposerState([...validators([1]), ...validators([2])])).toThrow(/twice/);
  });
});
