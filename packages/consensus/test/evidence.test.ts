import { describe, expect, it } from "vitest";
import { duplicateVoteEvidence, evidenceProblem } from "../src/index.ts";
import { blockOf, vote } from "./helpers.ts";

describe("duplicate-vote evidence", () => {
  const a = vote(1, "precommit", 3, 1, blockOf("A").blockHash).vote;
  const b = vote(1, "precommit", 3, 1, blockOf("B").blockHash).vote;

  it("is the same whichever vote was seen first", () => {
    expect(duplicateVoteEvidence(a, b)).toEqual(duplicateVoteEvidence(b, a));
    expect(evidenceProblem(duplicateVoteEvidence(a, b))).toBeUndefined();
  });

  it("is refused for votes that do not conflict", () => {
    const cases = [
      ["same value", a, { ...a }],
      ["different validators", a, vote(2, "precommit", 3, 1, null).vote],
      ["different rounds", a, vote(1, "precommit", 3, 2, null).vote],
      ["different heights", a, vote(1, "precommit", 4, 1, null).vote],
      ["different types", a, vote(1, "prevote", 3, 1, null).vote],
    ] as const;
    for (const [name, x, y] of cases) {
      expect(evidenceProblem({ type: "duplicateVote", voteA: x, voteB: y }), name).toBeDefined();
      expect(() => duplicateVoteEvidence(x, y), name).toThrow();
    }
  });
});
