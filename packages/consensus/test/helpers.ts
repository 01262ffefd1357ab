import { sha256, utf8ToBytes } from "@citychain/protocol";
import {
  type ConsensusAction,
  ConsensusCore,
  type CoreOptions,
  genesisProposerState,
  type Proposal,
  type ProposerState,
  type TimeoutConfig,
  type ValidatorPower,
  type Vote,
  type VoteType,
} from "../src/index.ts";

export const TIMEOUTS: TimeoutConfig = { proposeMs: 300, prevoteMs: 100, precommitMs: 100, deltaMs: 50 };

/** A 20-byte address whose first byte is i+1 (so index order is address order). */
export function addr(i: number): Uint8Array {
  const a = new Uint8Array(20);
  a[0] = i + 1;
  return a;
}

export function validators(powers: number[]): ValidatorPower[] {
  return powers.map((power, i) => ({ address: addr(i), power }));
}

export function blockOf(name: string): { block: Uint8Array; blockHash: Uint8Array } {
  const block = utf8ToBytes(name);
  return { block, blockHash: sha256(block) };
}

export function sig(i: number): Uint8Array {
  return new Uint8Array([0xee, i]);
}

export function vote(
  i: number,
  type: VoteType,
  height: number,
  round: number,
  blockHash: Uint8Array | null,
): { type: "vote"; vote: Vote } {
  return { type: "vote", vote: { type, height, round, blockHash, validator: addr(i), signature: sig(i) } };
}

export function proposal(
  proposerIndex: number,
  height: number,
  round: number,
  name: string,
  validRound = -1,
): { type: "proposal"; proposal: Proposal } {
  const b = blockOf(name);
  return {
    type: "proposal",
    proposal: { height, round, ...b, validRound, proposer: addr(proposerIndex), signature: sig(proposerIndex) },
  };
}

export interface Harness {
  core: ConsensusCore;
  proposers: ProposerState;
  /** Every action list returned so far, in order. */
  log: ConsensusAction[][];
  feed(event: Parameters<ConsensusCore["handle"]>[0]): ConsensusAction[];
}

/** A core for validator `me` (or an observer if me is -1), started at height 1. */
export function harness(powers: number[], me: number, options: Partial<CoreOptions> = {}): Harness {
  const proposers = genesisProposerState(validators(powers));
  const core = new ConsensusCore({ address: me >= 0 ? addr(me) : undefined, timeouts: TIMEOUTS, ...options });
  const log: ConsensusAction[][] = [];
  const feed = (event: Parameters<ConsensusCore["handle"]>[0]) => {
    const actions = core.handle(event);
    log.push(actions);
    return actions;
  };
  feed({ type: "start", height: 1, proposers });
  return { core, proposers, log, feed };
}

export function ofType<T extends ConsensusAction["type"]>(
  actions: ConsensusAction[],
  type: T,
): Extract<ConsensusAction, { type: T }>[] {
  return actions.filter((a): a is Extract<ConsensusAction, { type: T }> => a.type === type);
}

/** The votes the core asked to send, as (type, round, value name or nil) for easy comparison. */
export function votesIn(actions: ConsensusAction[]): string[] {
  return ofType(actions, "broadcastVote").map(
    (a) =>
      `${a.vote.type}@${a.vote.round}:${a.vote.blockHash === null ? "nil" : Buffer.from(a.vote.blockHash).toString("hex").slice(0, 8)}`,
  );
}

export function short(name: string): string {
  return Buffer.from(blockOf(name).blockHash).toString("hex").slice(0, 8);
}
