import type { ValueKey } from "./hash-key.ts";
import type { ProposerSchedule } from "./proposer.ts";
import type { Proposal, Step } from "./types.ts";
import { VoteSet } from "./vote-set.ts";

/** What one round of a height has gathered, and which one-shot rules already fired in it. */
export class RoundState {
  /** Proposals from the round's proposer; the first is the one prevoted on. */
  readonly proposals: Proposal[] = [];
  readonly prevotes: VoteSet;
  readonly precommits: VoteSet;
  /** Validators that sent anything in this round, for the f+1 round-skip rule. */
  readonly senders = new Set<string>();
  senderPower = 0;
  /** Line 34: the prevote timeout was scheduled. */
  prevoteTimeoutScheduled = false;
  /** Line 47: the precommit timeout was scheduled. */
  precommitTimeoutScheduled = false;
  /** Line 36: the valid value (and possibly the lock) was updated from this round's prevotes. */
  polSeen = false;
  /** This node, as proposer, already proposed in this round. */
  ownProposalSent = false;

  constructor(totalPower: number) {
    this.prevotes = new VoteSet(totalPower);
    this.precommits = new VoteSet(totalPower);
  }
}

/** The state of Algorithm 1 for one height. */
export class HeightState {
  round = 0;
  step: Step = "propose";
  decided = false;
  lockedRound = -1;
  lockedValue: ValueKey | undefined;
  validRound = -1;
  validValue: ValueKey | undefined;
  readonly rounds = new Map<number, RoundState>();
  /** Block bytes and hash by value key, from proposals of any round. */
  readonly blocks = new Map<ValueKey, { block: Uint8Array; blockHash: Uint8Array }>();
  /** The application's verdict per block; absent while unknown. */
  readonly validity = new Map<ValueKey, boolean>();
  /** Blocks whose validation was asked for. */
  readonly validationRequested = new Set<ValueKey>();

  constructor(
    readonly height: number,
    readonly schedule: ProposerSchedule,
    /** Power of each validator by address key. */
    readonly powers: ReadonlyMap<string, number>,
    readonly totalPower: number,
  ) {}

  roundState(round: number): RoundState {
    let rs = this.rounds.get(round);
    if (rs === undefined) {
      rs = new RoundState(this.totalPower);
      this.rounds.set(round, rs);
    }
    return rs;
  }

  addSender(round: number, who: string): void {
    const rs = this.roundState(round);
    if (rs.senders.has(who)) return;
    rs.senders.add(who);
    rs.senderPower += this.powers.get(who) ?? 0;
  }
}
