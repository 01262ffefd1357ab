import type { Proposal, Vote } from "@citychain/consensus";
import { ADDRESS_BYTES, HASH_BYTES } from "@citychain/protocol";

export const PROPOSAL_MESSAGE = "cons/proposal";
export const VOTE_MESSAGE = "cons/vote";
/** A proposal frame carries a whole block. */
export const PROPOSAL_BLOCK_BYTES_MAX = 64 * 1024 * 1024;

type Fields = { type: string; [k: string]: unknown };

const isUint = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
const isBytes = (x: unknown, len?: number): x is Uint8Array =>
  x instanceof Uint8Array && (len === undefined || x.length === len);

export function proposalMessage(p: Proposal): Fields {
  return {
    type: PROPOSAL_MESSAGE,
    height: p.height,
    round: p.round,
    block: p.block,
    blockHash: p.blockHash,
    validRound: p.validRound,
    proposer: p.proposer,
    signature: p.signature,
  };
}

export function voteMessage(v: Vote): Fields {
  return {
    type: VOTE_MESSAGE,
    voteType: v.type,
    height: v.height,
    round: v.round,
    blockHash: v.blockHash,
    validator: v.validator,
    signature: v.signature,
  };
}

/** The proposal a peer's message carries, or undefined if it is malformed. Signatures are checked by the caller. */
export function parseProposal(m: Fields): Proposal | undefined {
  if (!isUint(m.height) || !isUint(m.round)) return undefined;
  if (typeof m.validRound !== "number" || !Number.isSafeInteger(m.validRound) || m.validRound < -1) return undefined;
  if (m.validRound >= m.round) return undefined;
  if (!isBytes(m.block) || m.block.length > PROPOSAL_BLOCK_BYTES_MAX) return undefined;
  if (!isBytes(m.blockHash, HASH_BYTES) || !isBytes(m.proposer, ADDRESS_BYTES) || !isBytes(m.signature))
    return undefined;
  return {
    height: m.height,
    round: m.round,
    block: m.block,
    blockHash: m.blockHash,
    validRound: m.validRound,
    proposer: m.proposer,
    signature: m.signature,
  };
}

export function parseVote(m: Fields): Vote | undefined {
  if (m.voteType !== "prevote" && m.voteType !== "precommit") return undefined;
  if (!isUint(m.height) || !isUint(m.round)) return undefined;
  if (m.blockHash !== null && !isBytes(m.blockHash, HASH_BYTES)) return undefined;
  if (!isBytes(m.validator, ADDRESS_BYTES) || !isBytes(m.signature)) return undefined;
  return {
    type: m.voteType,
    height: m.height,
    round: m.round,
    blockHash: m.blockHash as Uint8Array | null,
    validator: m.validator,
    signature: m.signature,
  };
}
