import type { ProposerState } from "../proposer.ts";
import type { CommitEvent, ConsensusEvent, ProposalEvent, VoteEvent } from "../types.ts";

/** A signed consensus message as it crosses the simulated network. */
export type ConsensusMessage = ProposalEvent | VoteEvent;

/** What simulated nodes send each other. */
export type NetMessage =
  | ConsensusMessage
  /** "I am at this height": a peer that decided it answers with a bundle (block sync, reduced to its essence). */
  | { type: "need"; height: number }
  /** A decided height with its commit certificate (block sync, reduced to its essence). */
  | { type: "bundle"; event: CommitEvent };

/** What the event queue holds. */
export type SimItem =
  /** An input for one node's core (a timeout, an application answer, its own signed message fed back). */
  | { kind: "local"; instance: number; epoch: number; event: ConsensusEvent }
  | { kind: "net"; from: number; to: number; message: NetMessage }
  | { kind: "start"; instance: number; epoch: number; height: number; proposers: ProposerState }
  | { kind: "gossip"; instance: number; epoch: number }
  | { kind: "crash"; instance: number; afterActions?: number }
  | { kind: "restart"; instance: number }
  | { kind: "heal" };

export function messageHeight(m: ConsensusMessage): number {
  return m.type === "vote" ? m.vote.height : m.proposal.height;
}
