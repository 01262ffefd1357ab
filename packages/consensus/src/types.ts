import type { Commit, VoteType } from "@citychain/protocol";
import type { DuplicateVoteEvidence } from "./evidence.ts";
import type { ProposerState } from "./proposer.ts";
import type { WalRecord } from "./wal-record.ts";

export type { VoteType } from "@citychain/protocol";

/** The step of a round, in the order a round goes through them. */
export type Step = "propose" | "prevote" | "precommit";

/** A step that has a timeout. */
export type TimeoutStep = Step;

/** A proposal as the core asks for it to be sent: the node signs it. */
export interface UnsignedProposal {
  height: number;
  round: number;
  /** The block, encoded; opaque to the core. */
  block: Uint8Array;
  blockHash: Uint8Array;
  /** Round in which the proposer saw a quorum of prevotes for this block, or -1. */
  validRound: number;
  proposer: Uint8Array;
}

/** A proposal as received (its signature already checked by the node). */
export interface Proposal extends UnsignedProposal {
  signature: Uint8Array;
}

/** A vote as the core asks for it to be sent: the node signs voteSignBytes(chainId, type, height, round, blockHash). */
export interface UnsignedVote {
  type: VoteType;
  height: number;
  round: number;
  /** null is a nil vote. */
  blockHash: Uint8Array | null;
  validator: Uint8Array;
}

/** A vote as received (its signature already checked by the node). */
export interface Vote extends UnsignedVote {
  signature: Uint8Array;
}

/** A validator as the core sees it: an address and its voting power. */
export interface ValidatorPower {
  address: Uint8Array;
  power: number;
}

/** Starts a height. The node sends it at boot and after committing each decided block. */
export interface StartEvent {
  type: "start";
  height: number;
  /** The validator set of this height with its proposer priorities (round 0). */
  proposers: ProposerState;
}

export interface ProposalEvent {
  type: "proposal";
  proposal: Proposal;
}

export interface VoteEvent {
  type: "vote";
  vote: Vote;
}

export interface TimeoutEvent {
  type: "timeout";
  step: TimeoutStep;
  height: number;
  round: number;
}

/** The application's answer to requestProposal. */
export interface ProposalReadyEvent {
  type: "proposalReady";
  height: number;
  round: number;
  block: Uint8Array;
  blockHash: Uint8Array;
}

/** The application's answer to validateProposal. */
export interface ProposalValidatedEvent {
  type: "proposalValidated";
  height: number;
  blockHash: Uint8Array;
  valid: boolean;
}

/**
 * A commit certificate for the current height that the node obtained and
 * checked itself (block sync: every signature verified, the block executed).
 * A node that fell behind decides from it directly; counting its precommits
 * as votes would fail whenever an equivocator's other vote arrived first.
 */
export interface CommitEvent {
  type: "commit";
  height: number;
  block: Uint8Array;
  blockHash: Uint8Array;
  commit: Commit;
}

/** Everything the core reacts to. */
export type ConsensusEvent =
  | StartEvent
  | ProposalEvent
  | VoteEvent
  | TimeoutEvent
  | ProposalReadyEvent
  | ProposalValidatedEvent
  | CommitEvent;

/** Persist the record (fsync) before carrying out any later action of the same list. */
export interface WalWriteAction {
  type: "walWrite";
  record: WalRecord;
}

/** Sign (through the signer state) and send to every peer, and feed back to this core as a proposal event. */
export interface BroadcastProposalAction {
  type: "broadcastProposal";
  proposal: UnsignedProposal;
}

/** Sign (through the signer state) and send to every peer, and feed back to this core as a vote event. */
export interface BroadcastVoteAction {
  type: "broadcastVote";
  vote: UnsignedVote;
}

/** Fire a timeout event after durationMs. Stale timeouts are harmless: the core ignores them. */
export interface ScheduleTimeoutAction {
  type: "scheduleTimeout";
  step: TimeoutStep;
  height: number;
  round: number;
  durationMs: number;
}

/** Ask the application to build a block; answer with a proposalReady event. */
export interface RequestProposalAction {
  type: "requestProposal";
  height: number;
  round: number;
}

/** Ask the application whether it accepts the block; answer with a proposalValidated event. */
export interface ValidateProposalAction {
  type: "validateProposal";
  height: number;
  block: Uint8Array;
  blockHash: Uint8Array;
}

/**
 * The block is final. The node executes and commits it with the commit
 * certificate, then starts the next height with nextProposers (adjusted
 * for validator-set changes, if any).
 */
export interface DecideAction {
  type: "decide";
  height: number;
  round: number;
  block: Uint8Array;
  blockHash: Uint8Array;
  commit: Commit;
  nextProposers: ProposerState;
}

/** A validator signed two different votes for one height, round and type. */
export interface EvidenceAction {
  type: "evidence";
  evidence: DuplicateVoteEvidence;
}

/** Everything the core asks the node to do, in the order it must be done. */
export type ConsensusAction =
  | WalWriteAction
  | BroadcastProposalAction
  | BroadcastVoteAction
  | ScheduleTimeoutAction
  | RequestProposalAction
  | ValidateProposalAction
  | DecideAction
  | EvidenceAction;
