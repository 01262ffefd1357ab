import { bytesEqual } from "@citychain/protocol";
import { valueKeyOf } from "./hash-key.ts";
import type { Vote } from "./types.ts";

/**
 * Two signed votes of one validator for the same height, round and type but
 * different values: proof that the validator equivocated. Whoever holds it
 * can show it to anyone; what happens to the validator is governance's call.
 */
export interface DuplicateVoteEvidence {
  type: "duplicateVote";
  /** The vote whose value sorts first (nil first), so every node builds the same evidence. */
  voteA: Vote;
  voteB: Vote;
}

/** Builds evidence from two conflicting votes, in canonical order. */
export function duplicateVoteEvidence(first: Vote, second: Vote): DuplicateVoteEvidence {
  const problem = conflictProblem(first, second);
  if (problem !== undefined) throw new Error(`invariant violated: not a duplicate vote: ${problem}`);
  const [voteA, voteB] = valueKeyOf(first.blockHash) < valueKeyOf(second.blockHash) ? [first, second] : [second, first];
  return { type: "duplicateVote", voteA, voteB };
}

/**
 * Why two votes are not evidence of equivocation, or undefined if they are.
 * Checks structure only: the node verifies both signatures with the validator's key.
 */
export function conflictProblem(a: Vote, b: Vote): string | undefined {
  if (!bytesEqual(a.validator, b.validator)) return "the votes are from different validators";
  if (a.type !== b.type) return "the votes are of different types";
  if (a.height !== b.height) return "the votes are for different heights";
  if (a.round !== b.round) return "the votes are for different rounds";
  if (valueKeyOf(a.blockHash) === valueKeyOf(b.blockHash)) return "the votes are for the same value";
  return undefined;
}

/** Why the evidence is malformed, or undefined if its structure is sound (signatures are the node's to check). */
export function evidenceProblem(e: DuplicateVoteEvidence): string | undefined {
  const problem = conflictProblem(e.voteA, e.voteB);
  if (problem !== undefined) return problem;
  if (valueKeyOf(e.voteA.blockHash) > valueKeyOf(e.voteB.blockHash)) return "the votes are not in canonical order";
  return undefined;
}
