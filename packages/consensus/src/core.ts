import { assert, bytesEqual, type Commit } from "@citychain/protocol";
import { duplicateVoteEvidence } from "./evidence.ts";
import { addressKeyOf, NIL_KEY, type ValueKey, valueKeyOf } from "./hash-key.ts";
import { HeightState, type RoundState } from "./height-state.ts";
import { FUTURE_HEIGHT_MESSAGES_MAX, PROPOSALS_PER_ROUND_MAX, ROUNDS_AHEAD_MAX } from "./limits.ts";
import { checkValidatorSet, nextHeightProposerState, ProposerSchedule, totalPowerOf } from "./proposer.ts";
import { isOneThird, isQuorum } from "./quorum.ts";
import { type TimeoutConfig, timeoutMs } from "./timeouts.ts";
import type {
  BroadcastProposalAction,
  BroadcastVoteAction,
  CommitEvent,
  ConsensusAction,
  ConsensusEvent,
  DecideAction,
  ProposalEvent,
  ProposalReadyEvent,
  ProposalValidatedEvent,
  StartEvent,
  Step,
  TimeoutEvent,
  VoteEvent,
  VoteType,
} from "./types.ts";

export interface CoreOptions {
  /** This node's validator address; omit it for an observer that follows consensus without voting. */
  address?: Uint8Array;
  timeouts: TimeoutConfig;
}

/** A read-only view of the core's state, for tests, logs and metrics. */
export interface CoreSnapshot {
  height: number;
  round: number;
  step: Step;
  decided: boolean;
  lockedRound: number;
  /** Hex of the locked block hash, or null. */
  lockedValue: string | null;
  validRound: number;
  validValue: string | null;
}

const STEP_ORDER: Record<Step, number> = { propose: 0, prevote: 1, precommit: 2 };

/**
 * The Tendermint algorithm (Buchman, Kwon, Milosevic 2018, Algorithm 1) as a
 * pure state machine: `handle(event)` returns the actions the node must carry
 * out, in order. It never reads a clock, draws a random number, touches a
 * socket or the disk; the node does all of that, which is what lets the
 * simulator run the very same code under virtual time.
 *
 * The node feeds back its own proposal and votes (after signing them) as
 * events, the way it feeds peers' messages; the core counts a vote only once
 * it comes back signed, so a commit certificate always holds real signatures.
 *
 * Line numbers in comments refer to Algorithm 1 of the paper.
 */
export class ConsensusCore {
  private h: HeightState | undefined;
  /** Proposals and votes for the next height, replayed when it starts. */
  private future: (ProposalEvent | VoteEvent)[] = [];
  /** Proposals and votes this core asked to send at the current height (re-sent after a restart). */
  private intents: (BroadcastProposalAction | BroadcastVoteAction)[] = [];
  private decision: DecideAction | undefined;
  private readonly me: string | undefined;

  constructor(private readonly options: CoreOptions) {
    this.me = options.address === undefined ? undefined : addressKeyOf(options.address);
  }

  /** Feeds one event; returns the actions to carry out, in order (WAL writes before the broadcasts they cover). */
  handle(event: ConsensusEvent): ConsensusAction[] {
    const out: ConsensusAction[] = [];
    this.process(event, out);
    this.checkInvariants();
    return out;
  }

  /** Current height, or 0 before the first start event. */
  get height(): number {
    return this.h?.height ?? 0;
  }

  snapshot(): CoreSnapshot {
    const h = this.h;
    if (h === undefined)
      return {
        height: 0,
        round: 0,
        step: "propose",
        decided: false,
        lockedRound: -1,
        lockedValue: null,
        validRound: -1,
        validValue: null,
      };
    return {
      height: h.height,
      round: h.round,
      step: h.step,
      decided: h.decided,
      lockedRound: h.lockedRound,
      lockedValue: h.lockedValue ?? null,
      validRound: h.validRound,
      validValue: h.validValue ?? null,
    };
  }

  /**
   * What a node restarted from its WAL must do again: send what this height
   * asked to send but never came back signed (the crash may have come before
   * or after signing; the signer allows re-signing its last message), re-arm timeouts, re-ask the application what is still
   * unanswered, or re-announce a decision that may not have been committed.
   */
  resumeActions(): ConsensusAction[] {
    const h = this.h;
    if (h === undefined) return [];
    if (h.decided) return this.decision === undefined ? [] : [this.decision];
    const out: ConsensusAction[] = [];
    for (const intent of this.intents) if (!this.cameBack(intent)) out.push(intent);
    const rs = h.roundState(h.round);
    if (h.step === "propose") {
      this.scheduleTimeout("propose", out);
      if (this.isProposer(h.round) && !rs.ownProposalSent && h.validValue === undefined)
        out.push({ type: "requestProposal", height: h.height, round: h.round });
    }
    if (h.step === "prevote" && rs.prevoteTimeoutScheduled) this.scheduleTimeout("prevote", out);
    if (rs.precommitTimeoutScheduled) this.scheduleTimeout("precommit", out);
    for (const key of h.validationRequested) {
      const b = h.blocks.get(key);
      if (!h.validity.has(key) && b !== undefined)
        out.push({ type: "validateProposal", height: h.height, block: b.block, blockHash: b.blockHash });
    }
    return out;
  }

  /**
   * Messages for the node to gossip again while the height makes no
   * progress: a lost message is otherwise lost for good, and Algorithm 1
   * assumes every message a correct process has eventually reaches all of
   * them. These are this node's own proposals and votes of its current and
   * previous round, plus the prevotes that justify its valid value (so peers
   * can accept a re-proposal of it: line 28 needs the polka of validRound).
   */
  gossipMessages(): (ProposalEvent | VoteEvent)[] {
    const h = this.h;
    if (h === undefined) return [];
    const out: (ProposalEvent | VoteEvent)[] = [];
    const me = this.options.address;
    if (me !== undefined) {
      for (const round of [h.round - 1, h.round]) {
        const rs = h.rounds.get(round);
        if (rs === undefined) continue;
        for (const p of rs.proposals) if (bytesEqual(p.proposer, me)) out.push({ type: "proposal", proposal: p });
        for (const set of [rs.prevotes, rs.precommits]) {
          const v = set.voteOf(me);
          if (v !== undefined) out.push({ type: "vote", vote: v });
        }
      }
    }
    if (h.validValue !== undefined) {
      const rs = h.rounds.get(h.validRound);
      if (rs !== undefined) for (const vote of rs.prevotes.votesFor(h.validValue)) out.push({ type: "vote", vote });
    }
    return out;
  }

  /** Whether the node already fed this intent back, signed (then it was sent, and the WAL holds it). */
  private cameBack(intent: BroadcastProposalAction | BroadcastVoteAction): boolean {
    const h = this.requireHeight();
    if (intent.type === "broadcastProposal") {
      const rs = h.rounds.get(intent.proposal.round);
      const key = valueKeyOf(intent.proposal.blockHash);
      return rs?.proposals.some((p) => valueKeyOf(p.blockHash) === key) ?? false;
    }
    const v = intent.vote;
    const rs = h.rounds.get(v.round);
    const signed = (v.type === "prevote" ? rs?.prevotes : rs?.precommits)?.voteOf(v.validator);
    return signed !== undefined;
  }

  /**
   * Whether this node may prevote for a value in the current round, given its
   * lock (lines 23 and 29: lockedRound = -1 or ≤ the proposal's valid round, or
   * locked on the same value). Protected so the simulator can show that a
   * variant ignoring the lock is caught; nothing else should override it.
   */
  protected lockAllowsPrevote(value: ValueKey, validRound: number): boolean {
    const h = this.requireHeight();
    return h.lockedRound <= validRound || h.lockedValue === value;
  }

  private requireHeight(): HeightState {
    const h = this.h;
    assert(h !== undefined, "no height started");
    return h;
  }

  private process(event: ConsensusEvent, out: ConsensusAction[]): void {
    switch (event.type) {
      case "start":
        this.onStart(event, out);
        return;
      case "proposal":
        this.onProposal(event, out);
        return;
      case "vote":
        this.onVote(event, out);
        return;
      case "timeout":
        this.onTimeout(event, out);
        return;
      case "proposalReady":
        this.onProposalReady(event, out);
        return;
      case "proposalValidated":
        this.onProposalValidated(event, out);
        return;
      case "commit":
        this.onCommit(event, out);
        return;
    }
  }

  private onStart(e: StartEvent, out: ConsensusAction[]): void {
    assert(Number.isSafeInteger(e.height) && e.height >= 1, "start height must be a positive integer");
    assert(this.h === undefined || e.height > this.h.height, "a height can only be started once, in increasing order");
    checkValidatorSet(e.proposers.validators);
    out.push({ type: "walWrite", record: { type: "event", event: e } });
    const powers = new Map<string, number>();
    for (const v of e.proposers.validators) powers.set(addressKeyOf(v.address), v.power);
    this.h = new HeightState(e.height, new ProposerSchedule(e.proposers), powers, totalPowerOf(e.proposers.validators));
    this.intents = [];
    this.decision = undefined;
    this.startRound(0, out);
    this.applyRules(out);
    const buffered = this.future;
    this.future = [];
    for (const m of buffered) {
      const height = m.type === "vote" ? m.vote.height : m.proposal.height;
      if (height === e.height) this.process(m, out);
    }
  }

  /** Buffers a message for the next height; true if the message is not for the current height at all. */
  private deferIfNotCurrent(height: number, e: ProposalEvent | VoteEvent): boolean {
    const h = this.h;
    if (h !== undefined && height === h.height) return false;
    const next = h === undefined || height === h.height + 1;
    if (next && this.future.length < FUTURE_HEIGHT_MESSAGES_MAX) this.future.push(e);
    return true;
  }

  private roundAcceptable(round: number): boolean {
    const h = this.requireHeight();
    return Number.isSafeInteger(round) && round >= 0 && round <= h.round + ROUNDS_AHEAD_MAX;
  }

  private onProposal(e: ProposalEvent, out: ConsensusAction[]): void {
    const p = e.proposal;
    if (this.deferIfNotCurrent(p.height, e)) return;
    const h = this.requireHeight();
    if (h.decided || !this.roundAcceptable(p.round)) return;
    if (!Number.isSafeInteger(p.validRound) || p.validRound < -1 || p.validRound >= p.round) return;
    if (!bytesEqual(p.proposer, h.schedule.proposerAt(p.round))) return;
    const key = valueKeyOf(p.blockHash);
    if (key === NIL_KEY) return;
    const rs = h.roundState(p.round);
    if (rs.proposals.some((q) => valueKeyOf(q.blockHash) === key)) return;
    if (rs.proposals.length >= PROPOSALS_PER_ROUND_MAX) return;
    out.push({ type: "walWrite", record: { type: "event", event: e } });
    rs.proposals.push(p);
    h.addSender(p.round, addressKeyOf(p.proposer));
    if (!h.blocks.has(key)) h.blocks.set(key, { block: p.block, blockHash: p.blockHash });
    if (!h.validity.has(key) && !h.validationRequested.has(key)) {
      h.validationRequested.add(key);
      out.push({ type: "validateProposal", height: h.height, block: p.block, blockHash: p.blockHash });
    }
    this.applyRules(out);
  }

  private onVote(e: VoteEvent, out: ConsensusAction[]): void {
    const v = e.vote;
    if (this.deferIfNotCurrent(v.height, e)) return;
    const h = this.requireHeight();
    if (h.decided || !this.roundAcceptable(v.round)) return;
    if (v.type !== "prevote" && v.type !== "precommit") return;
    const who = addressKeyOf(v.validator);
    const power = h.powers.get(who);
    if (power === undefined) return;
    const rs = h.roundState(v.round);
    const set = v.type === "prevote" ? rs.prevotes : rs.precommits;
    const result = set.add(v, power);
    if (result.kind === "duplicate") return;
    if (result.kind === "conflict" && result.report)
      out.push({ type: "evidence", evidence: duplicateVoteEvidence(result.first, v) });
    out.push({ type: "walWrite", record: { type: "event", event: e } });
    h.addSender(v.round, who);
    this.applyRules(out);
  }

  private onTimeout(e: TimeoutEvent, out: ConsensusAction[]): void {
    const h = this.h;
    if (h === undefined || h.decided || e.height !== h.height || e.round !== h.round) return;
    if (e.step === "propose" && h.step === "propose") {
      // Line 57: no acceptable proposal in time.
      out.push({ type: "walWrite", record: { type: "event", event: e } });
      this.vote("prevote", null, out);
      h.step = "prevote";
    } else if (e.step === "prevote" && h.step === "prevote") {
      // Line 61: prevotes did not agree in time.
      out.push({ type: "walWrite", record: { type: "event", event: e } });
      this.vote("precommit", null, out);
      h.step = "precommit";
    } else if (e.step === "precommit") {
      // Line 65: the round failed to decide.
      out.push({ type: "walWrite", record: { type: "event", event: e } });
      this.startRound(h.round + 1, out);
    } else {
      return;
    }
    this.applyRules(out);
  }

  private onProposalReady(e: ProposalReadyEvent, out: ConsensusAction[]): void {
    const h = this.h;
    if (h === undefined || h.decided || e.height !== h.height || e.round !== h.round || h.step !== "propose") return;
    const rs = h.roundState(h.round);
    if (!this.isProposer(h.round) || rs.ownProposalSent || h.validValue !== undefined) return;
    const key = valueKeyOf(e.blockHash);
    assert(key !== NIL_KEY, "the application built a block without a hash");
    out.push({ type: "walWrite", record: { type: "event", event: e } });
    // The application built it, so it accepts it; asking again would only cost time.
    h.validity.set(key, true);
    if (!h.blocks.has(key)) h.blocks.set(key, { block: e.block, blockHash: e.blockHash });
    this.propose(e.block, e.blockHash, -1, out);
  }

  private onProposalValidated(e: ProposalValidatedEvent, out: ConsensusAction[]): void {
    const h = this.h;
    if (h === undefined || h.decided || e.height !== h.height) return;
    const key = valueKeyOf(e.blockHash);
    if (!h.validationRequested.has(key) || h.validity.has(key)) return;
    out.push({ type: "walWrite", record: { type: "event", event: e } });
    h.validity.set(key, e.valid);
    this.applyRules(out);
  }

  private onCommit(e: CommitEvent, out: ConsensusAction[]): void {
    const h = this.h;
    if (h === undefined || h.decided || e.height !== h.height) return;
    const c = e.commit;
    if (c.height !== h.height || !Number.isSafeInteger(c.round) || c.round < 0) return;
    if (!bytesEqual(c.blockHash, e.blockHash)) return;
    const seen = new Set<string>();
    let power = 0;
    for (const s of c.sigs) {
      const who = addressKeyOf(s.validator);
      if (seen.has(who)) continue;
      seen.add(who);
      power += h.powers.get(who) ?? 0;
    }
    // The node checked the signatures; the power is the core's to check, against this height's set.
    if (!isQuorum(power, h.totalPower)) return;
    out.push({ type: "walWrite", record: { type: "event", event: e } });
    const key = valueKeyOf(e.blockHash);
    if (!h.blocks.has(key)) h.blocks.set(key, { block: e.block, blockHash: e.blockHash });
    this.finish(c.round, e.block, e.blockHash, c, out);
  }

  private isProposer(round: number): boolean {
    const h = this.requireHeight();
    return this.me !== undefined && addressKeyOf(h.schedule.proposerAt(round)) === this.me;
  }

  private isValidator(): boolean {
    return this.me !== undefined && this.requireHeight().powers.has(this.me);
  }

  /** Line 11: StartRound. */
  private startRound(round: number, out: ConsensusAction[]): void {
    const h = this.requireHeight();
    assert(round === 0 || round > h.round, "rounds only move forward");
    h.round = round;
    h.step = "propose";
    if (this.isProposer(round)) {
      if (h.validValue !== undefined) {
        // Line 15: re-propose the value a quorum already prevoted, so a locked quorum can unlock onto it.
        const b = h.blocks.get(h.validValue);
        assert(b !== undefined, "the valid value's block is known");
        this.propose(b.block, b.blockHash, h.validRound, out);
      } else {
        out.push({ type: "requestProposal", height: h.height, round });
      }
    }
    // The paper arms this timeout for non-proposers only; arming it for the proposer too
    // keeps a slow application or a refused signature from stalling the round forever.
    this.scheduleTimeout("propose", out);
  }

  private propose(block: Uint8Array, blockHash: Uint8Array, validRound: number, out: ConsensusAction[]): void {
    const h = this.requireHeight();
    assert(this.options.address !== undefined, "only a validator proposes");
    h.roundState(h.round).ownProposalSent = true;
    const action: BroadcastProposalAction = {
      type: "broadcastProposal",
      proposal: { height: h.height, round: h.round, block, blockHash, validRound, proposer: this.options.address },
    };
    this.intents.push(action);
    out.push(action);
  }

  private vote(type: VoteType, value: ValueKey | null, out: ConsensusAction[]): void {
    const h = this.requireHeight();
    if (!this.isValidator() || this.options.address === undefined) return;
    let blockHash: Uint8Array | null = null;
    if (value !== null && value !== NIL_KEY) {
      const b = h.blocks.get(value);
      assert(b !== undefined, "a vote for a block names a known block");
      blockHash = b.blockHash;
    }
    const action: BroadcastVoteAction = {
      type: "broadcastVote",
      vote: { type, height: h.height, round: h.round, blockHash, validator: this.options.address },
    };
    this.intents.push(action);
    out.push(action);
  }

  private scheduleTimeout(step: Step, out: ConsensusAction[]): void {
    const h = this.requireHeight();
    out.push({
      type: "scheduleTimeout",
      step,
      height: h.height,
      round: h.round,
      durationMs: timeoutMs(this.options.timeouts, step, h.round),
    });
  }

  /** Fires every rule whose condition holds, until none does (a fired rule can enable another). */
  private applyRules(out: ConsensusAction[]): void {
    const h = this.requireHeight();
    while (!h.decided && (this.tryDecide(out) || this.tryRoundSkip(out) || this.tryCurrentRound(out))) {
      // Each rule fires at most once per round and step, so this ends.
    }
  }

  /** Line 49: a quorum of precommits for a known, valid block in any round decides it. */
  private tryDecide(out: ConsensusAction[]): boolean {
    const h = this.requireHeight();
    for (const [round, rs] of h.rounds) {
      const value = rs.precommits.majority();
      if (value === undefined || value === NIL_KEY) continue;
      const b = h.blocks.get(value);
      if (b === undefined || h.validity.get(value) !== true) continue;
      this.decide(round, rs, value, b, out);
      return true;
    }
    return false;
  }

  private decide(
    round: number,
    rs: RoundState,
    value: ValueKey,
    b: { block: Uint8Array; blockHash: Uint8Array },
    out: ConsensusAction[],
  ): void {
    const h = this.requireHeight();
    const votes = rs.precommits.votesFor(value);
    let power = 0;
    for (const v of votes) power += h.powers.get(addressKeyOf(v.validator)) ?? 0;
    assert(isQuorum(power, h.totalPower), "a commit certificate carries more than 2/3 of the power");
    const commit: Commit = {
      height: h.height,
      round,
      blockHash: b.blockHash,
      sigs: votes.map((v) => ({ validator: v.validator, sig: v.signature })),
    };
    this.finish(round, b.block, b.blockHash, commit, out);
  }

  private finish(
    round: number,
    block: Uint8Array,
    blockHash: Uint8Array,
    commit: Commit,
    out: ConsensusAction[],
  ): void {
    const h = this.requireHeight();
    assert(!h.decided, "a height is decided once");
    h.decided = true;
    this.decision = {
      type: "decide",
      height: h.height,
      round,
      block,
      blockHash,
      commit,
      nextProposers: nextHeightProposerState(h.schedule.state),
    };
    out.push(this.decision);
  }

  /** Line 55: more than 1/3 of the power is already in a later round, so at least one honest node is: join it. */
  private tryRoundSkip(out: ConsensusAction[]): boolean {
    const h = this.requireHeight();
    let target = -1;
    for (const [round, rs] of h.rounds) {
      if (round > h.round && round > target && isOneThird(rs.senderPower, h.totalPower)) target = round;
    }
    if (target === -1) return false;
    this.startRound(target, out);
    return true;
  }

  private tryCurrentRound(out: ConsensusAction[]): boolean {
    const h = this.requireHeight();
    const rs = h.roundState(h.round);
    if (h.step === "propose" && this.tryPrevoteProposal(rs, out)) return true;
    if (h.step === "prevote" && !rs.prevoteTimeoutScheduled && rs.prevotes.hasQuorumAny()) {
      // Line 34.
      rs.prevoteTimeoutScheduled = true;
      this.scheduleTimeout("prevote", out);
      return true;
    }
    if (STEP_ORDER[h.step] >= STEP_ORDER.prevote && !rs.polSeen && this.tryPolka(rs, out)) return true;
    if (h.step === "prevote" && rs.prevotes.hasNilQuorum()) {
      // Line 44: a quorum prevoted nil; nothing can be decided in this round.
      this.vote("precommit", NIL_KEY, out);
      h.step = "precommit";
      return true;
    }
    if (!rs.precommitTimeoutScheduled && rs.precommits.hasQuorumAny()) {
      // Line 47.
      rs.precommitTimeoutScheduled = true;
      this.scheduleTimeout("precommit", out);
      return true;
    }
    return false;
  }

  /** Lines 22 and 28: prevote on the round's (first) proposal once its validity is known. */
  private tryPrevoteProposal(rs: RoundState, out: ConsensusAction[]): boolean {
    const h = this.requireHeight();
    const p = rs.proposals[0];
    if (p === undefined) return false;
    const value = valueKeyOf(p.blockHash);
    const valid = h.validity.get(value);
    if (valid === undefined) return false;
    if (p.validRound >= 0) {
      // Line 28: the proposer claims a quorum prevoted this block in validRound; wait until we see it.
      const vrs = h.rounds.get(p.validRound);
      if (vrs === undefined || !isQuorum(vrs.prevotes.powerFor(value), h.totalPower)) return false;
    }
    const accept = valid && this.lockAllowsPrevote(value, p.validRound);
    this.vote("prevote", accept ? value : NIL_KEY, out);
    h.step = "prevote";
    return true;
  }

  /** Line 36: a quorum prevoted a valid block in this round: it becomes the valid value, and the lock if still prevoting. */
  private tryPolka(rs: RoundState, out: ConsensusAction[]): boolean {
    const h = this.requireHeight();
    const value = rs.prevotes.majority();
    if (value === undefined || value === NIL_KEY) return false;
    if (!h.blocks.has(value) || h.validity.get(value) !== true) return false;
    rs.polSeen = true;
    if (h.step === "prevote") {
      h.lockedValue = value;
      h.lockedRound = h.round;
      this.vote("precommit", value, out);
      h.step = "precommit";
    }
    h.validValue = value;
    h.validRound = h.round;
    return true;
  }

  /** TigerBeetle style: the relations Algorithm 1 keeps between its variables hold after every event. */
  private checkInvariants(): void {
    const h = this.h;
    if (h === undefined) return;
    assert(h.lockedRound <= h.validRound, "lockedRound <= validRound");
    assert(h.validRound <= h.round, "validRound <= round");
    assert((h.lockedRound === -1) === (h.lockedValue === undefined), "a lock has both a round and a value");
    assert((h.validRound === -1) === (h.validValue === undefined), "a valid value has both a round and a value");
    assert(h.lockedValue === undefined || h.blocks.has(h.lockedValue), "the locked block is known");
    assert(h.validValue === undefined || h.blocks.has(h.validValue), "the valid block is known");
  }
}
