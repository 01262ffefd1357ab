import { CityChainError, ErrorCode } from "@citychain/protocol";
import { valueKeyOf } from "./hash-key.ts";
import type { UnsignedProposal, UnsignedVote } from "./types.ts";

/** What a validator signs, in the order it signs them within a round. */
export type SignStep = "proposal" | "prevote" | "precommit";

const SIGN_STEP_ORDER: Record<SignStep, number> = { proposal: 1, prevote: 2, precommit: 3 };

/**
 * The last message a validator signed. The node persists it (fsync) BEFORE
 * the signed message leaves, and loads it at boot: then no crash, restart or
 * bug in the layers above can make the key sign two different messages for
 * one height, round and step (which is exactly what evidence punishes).
 */
export interface SignerState {
  height: number;
  round: number;
  step: SignStep;
  /** The value signed: a block hash, or null for a nil vote. */
  blockHash: Uint8Array | null;
}

/** The signer state a vote would leave. */
export function signerStateOfVote(vote: UnsignedVote): SignerState {
  return { height: vote.height, round: vote.round, step: vote.type, blockHash: vote.blockHash };
}

/** The signer state a proposal would leave. */
export function signerStateOfProposal(proposal: UnsignedProposal): SignerState {
  return { height: proposal.height, round: proposal.round, step: "proposal", blockHash: proposal.blockHash };
}

/**
 * Why signing `next` after `last` could equivocate, or undefined if it is safe:
 * safe when (height, round, step) moves strictly forward, or repeats the very
 * same message (re-sending after a restart).
 */
export function signConflict(last: SignerState | undefined, next: SignerState): string | undefined {
  if (last === undefined) return undefined;
  const at = `height ${last.height} round ${last.round} ${last.step}`;
  if (next.height !== last.height)
    return next.height > last.height ? undefined : `height ${next.height} is below the last signed (${at})`;
  if (next.round !== last.round)
    return next.round > last.round ? undefined : `round ${next.round} is below the last signed (${at})`;
  const order = SIGN_STEP_ORDER[next.step] - SIGN_STEP_ORDER[last.step];
  if (order > 0) return undefined;
  if (order < 0) return `step ${next.step} comes before the last signed (${at})`;
  if (valueKeyOf(next.blockHash) !== valueKeyOf(last.blockHash)) return `a different value was already signed at ${at}`;
  return undefined;
}

/** Whether the validator may sign `next` after having signed `last`. */
export function canSign(last: SignerState | undefined, next: SignerState): boolean {
  return signConflict(last, next) === undefined;
}

/** Throws CONSENSUS_SIGN_CONFLICT unless the validator may sign `next` after `last`. */
export function checkCanSign(last: SignerState | undefined, next: SignerState): void {
  const conflict = signConflict(last, next);
  if (conflict !== undefined)
    throw new CityChainError({ code: ErrorCode.CONSENSUS_SIGN_CONFLICT }, `refusing to sign: ${conflict}`);
}
