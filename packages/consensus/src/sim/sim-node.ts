import { bytesToHex, sha256, utf8ToBytes } from "@citychain/protocol";
import type { ConsensusCore, CoreOptions } from "../core.ts";
import type { ProposerState } from "../proposer.ts";
import { canSign, type SignerState, signerStateOfProposal, signerStateOfVote } from "../signer-state.ts";
import type {
  CommitEvent,
  ConsensusAction,
  ConsensusEvent,
  DecideAction,
  Proposal,
  UnsignedProposal,
  UnsignedVote,
  Vote,
} from "../types.ts";
import { replay } from "../wal.ts";
import type { WalRecord } from "../wal-record.ts";
import type { SafetyChecker } from "./checker.ts";
import { type ConsensusMessage, messageHeight, type NetMessage, type SimItem } from "./messages.ts";
import type { Prng } from "./prng.ts";
import { type ByzantineKind, GOSSIP_INTERVAL_MS, type SimConfig } from "./scenario.ts";

/** A decided node waits this long before starting the next height (CometBFT's timeout_commit, shortened). */
const COMMIT_DELAY_MS = 5;
/** The application answers requests after 1..this many ms. */
const APP_DELAY_MS_MAX = 4;
/** A node answers the same peer about the same height at most this often. */
const CATCHUP_INTERVAL_MS = 100;

/** What a node needs from the simulator around it. */
export interface SimContext {
  readonly now: number;
  readonly config: SimConfig;
  readonly rng: Prng;
  readonly checker: SafetyChecker;
  readonly instances: number;
  readonly genesis: ProposerState;
  createCore(options: CoreOptions): ConsensusCore;
  send(from: number, to: number, message: NetMessage): void;
  schedule(delayMs: number, item: SimItem): void;
}

interface LedgerEntry {
  hash: string;
  /** What a peer that is behind gets (block sync): the block and its commit certificate. */
  sync: CommitEvent;
  nextProposers: ProposerState;
}

/**
 * One node of the simulation: the real core, plus what survives a crash
 * (WAL, signer state, ledger) and what does not (the core itself, timers,
 * caches). Honest unless `byzantine` says how it misbehaves.
 */
export class SimNode {
  core: ConsensusCore | undefined;
  epoch = 0;
  readonly wal: WalRecord[] = [];
  signer: SignerState | undefined;
  readonly ledger = new Map<number, LedgerEntry>();
  /** When each height was decided here (virtual ms). */
  readonly decidedAtMs = new Map<number, number>();
  private proposalsSeen = new Map<string, Proposal>();
  private catchupSent = new Map<string, number>();
  private crashAfterActions: number | undefined;
  private lastGossipKey = "";
  private blocksBuilt = 0;
  signRefusals = 0;

  constructor(
    private readonly ctx: SimContext,
    readonly instance: number,
    readonly validator: number,
    readonly address: Uint8Array,
    readonly byzantine: ByzantineKind | undefined,
  ) {}

  get honest(): boolean {
    return this.byzantine === undefined;
  }

  get alive(): boolean {
    return this.core !== undefined;
  }

  get committedHeight(): number {
    return this.ledger.size;
  }

  private get scale(): number {
    return this.ctx.config.timeoutScale[this.validator];
  }

  private options(): CoreOptions {
    return { address: this.address, timeouts: this.ctx.config.timeouts };
  }

  /** Boots (first time or after a crash): rebuild the core from the WAL, or start the next height afresh. */
  boot(): void {
    const { core, actions } = replay(this.wal, this.options(), (o) => this.ctx.createCore(o));
    this.core = core;
    for (const r of this.wal) if (r.event.type === "proposal") this.remember(r.event.proposal);
    if (core.height === 0) {
      this.startHeight(this.committedHeight + 1, this.proposersFor(this.committedHeight + 1));
    } else {
      this.run(actions, true);
    }
    this.lastGossipKey = "";
    this.ctx.schedule(GOSSIP_INTERVAL_MS * this.scale, { kind: "gossip", instance: this.instance, epoch: this.epoch });
  }

  private proposersFor(height: number): ProposerState {
    if (height === 1) return this.ctx.genesis;
    const prev = this.ledger.get(height - 1);
    if (prev === undefined) throw new Error(`sim: instance ${this.instance} lacks height ${height - 1}`);
    return prev.nextProposers;
  }

  crash(afterActions?: number): void {
    if (!this.alive) return;
    if (afterActions !== undefined) {
      this.crashAfterActions = afterActions;
      return;
    }
    this.core = undefined;
    this.crashAfterActions = undefined;
    this.epoch++;
    this.proposalsSeen = new Map();
    this.catchupSent = new Map();
  }

  restart(): void {
    // A mid-list crash that never found its list happens now.
    if (this.alive && this.crashAfterActions !== undefined) this.crash();
    if (!this.alive) this.boot();
  }

  startHeight(height: number, proposers: ProposerState): void {
    const core = this.core;
    if (core === undefined || core.height >= height) return;
    for (const key of this.proposalsSeen.keys()) if (Number(key.split("/")[0]) < height) this.proposalsSeen.delete(key);
    this.run(core.handle({ type: "start", height, proposers }));
  }

  /** An input that does not come from a peer (timeouts, application answers, own messages fed back). */
  local(event: ConsensusEvent): void {
    if (event.type === "proposal") this.remember(event.proposal);
    if (this.core !== undefined) this.run(this.core.handle(event));
  }

  receive(from: number, message: NetMessage): void {
    const core = this.core;
    if (core === undefined) return;
    if (message.type === "need") {
      if (this.ledger.has(message.height)) this.sendBundle(from, message.height);
      return;
    }
    if (message.type === "bundle") {
      if (message.event.height === core.height) this.run(core.handle(message.event));
      return;
    }
    const height = messageHeight(message);
    if (height < core.height && this.ledger.has(height)) this.sendBundle(from, height);
    else if (height > core.height)
      this.rateLimited(from, core.height, "need", () =>
        this.ctx.send(this.instance, from, { type: "need", height: core.height }),
      );
    this.feed(message);
  }

  private feed(m: ConsensusMessage): void {
    if (m.type === "proposal") this.remember(m.proposal);
    if (this.core !== undefined) this.run(this.core.handle(m));
  }

  private remember(p: Proposal): void {
    this.proposalsSeen.set(`${p.height}/${bytesToHex(p.blockHash)}`, p);
  }

  private rateLimited(peer: number, height: number, kind: string, send: () => void): void {
    const key = `${peer}/${height}/${kind}`;
    const last = this.catchupSent.get(key);
    if (last !== undefined && this.ctx.now - last < CATCHUP_INTERVAL_MS) return;
    this.catchupSent.set(key, this.ctx.now);
    send();
  }

  private sendBundle(peer: number, height: number): void {
    const entry = this.ledger.get(height);
    if (entry === undefined) return;
    this.rateLimited(peer, height, "bundle", () =>
      this.ctx.send(this.instance, peer, { type: "bundle", event: entry.sync }),
    );
  }

  gossip(): void {
    const core = this.core;
    if (core === undefined) return;
    const s = core.snapshot();
    const key = `${s.height}/${s.round}/${s.step}/${s.decided}`;
    // Only a node that made no progress since the last tick re-sends: its messages may have been lost.
    if (key === this.lastGossipKey) for (const m of core.gossipMessages()) this.broadcast(m);
    this.lastGossipKey = key;
    this.ctx.schedule(GOSSIP_INTERVAL_MS * this.scale, { kind: "gossip", instance: this.instance, epoch: this.epoch });
  }

  private broadcast(m: ConsensusMessage, only?: (peer: number) => boolean): void {
    for (let peer = 0; peer < this.ctx.instances; peer++)
      if (peer !== this.instance && (only === undefined || only(peer))) this.ctx.send(this.instance, peer, m);
  }

  private feedBack(event: ConsensusEvent): void {
    this.ctx.schedule(0, { kind: "local", instance: this.instance, epoch: this.epoch, event });
  }

  /** Carries out a core's actions in order, as the real node must. */
  private run(actions: ConsensusAction[], resuming = false): void {
    let walWritten = false;
    for (let i = 0; i < actions.length; i++) {
      if (this.crashAfterActions !== undefined && i >= this.crashAfterActions) {
        this.crash();
        return;
      }
      const a = actions[i];
      switch (a.type) {
        case "walWrite":
          this.wal.push(a.record);
          walWritten = true;
          break;
        case "broadcastProposal":
        case "broadcastVote":
          if (!resuming && !walWritten)
            this.ctx.checker.onWalOrder(this.ctx.now, this.instance, `${a.type} before any WAL write of its list`);
          if (a.type === "broadcastProposal") this.sendProposal(a.proposal);
          else this.sendVote(a.vote);
          break;
        case "scheduleTimeout":
          this.ctx.schedule(a.durationMs * this.scale, {
            kind: "local",
            instance: this.instance,
            epoch: this.epoch,
            event: { type: "timeout", step: a.step, height: a.height, round: a.round },
          });
          break;
        case "requestProposal": {
          const built = this.buildBlock(a.height, a.round, true);
          this.ctx.schedule(this.ctx.rng.int(1, APP_DELAY_MS_MAX), {
            kind: "local",
            instance: this.instance,
            epoch: this.epoch,
            event: { type: "proposalReady", height: a.height, round: a.round, ...built },
          });
          break;
        }
        case "validateProposal":
          this.ctx.schedule(this.ctx.rng.int(1, APP_DELAY_MS_MAX), {
            kind: "local",
            instance: this.instance,
            epoch: this.epoch,
            event: {
              type: "proposalValidated",
              height: a.height,
              blockHash: a.blockHash,
              valid: isValidBlock(a.block),
            },
          });
          break;
        case "decide":
          this.decide(a);
          break;
        case "evidence":
          this.ctx.checker.onEvidence(this.ctx.now, a.evidence);
          break;
      }
    }
    if (this.crashAfterActions !== undefined && actions.length > 0) this.crash();
  }

  private buildBlock(height: number, round: number, valid: boolean): { block: Uint8Array; blockHash: Uint8Array } {
    const block = utf8ToBytes(
      `block h=${height} r=${round} i=${this.instance} n=${this.blocksBuilt++} ${valid ? "ok" : "bad"}`,
    );
    const blockHash = sha256(block);
    this.ctx.checker.onBlockBuilt(bytesToHex(blockHash), valid);
    return { block, blockHash };
  }

  /** Signs through the persisted signer state; honest signatures are checked for equivocation globally. */
  private signOk(state: SignerState): boolean {
    if (!canSign(this.signer, state)) {
      this.signRefusals++;
      return false;
    }
    this.signer = state;
    if (this.honest)
      this.ctx.checker.onSigned(
        this.ctx.now,
        this.instance,
        `${bytesToHex(this.address)}/${state.height}/${state.round}/${state.step}`,
        state.blockHash === null ? "" : bytesToHex(state.blockHash),
      );
    return true;
  }

  private signature(): Uint8Array {
    return new Uint8Array([this.validator]);
  }

  private sendProposal(p: UnsignedProposal): void {
    if (this.byzantine === "equivocator") {
      this.equivocateProposal(p);
      return;
    }
    if (!this.signOk(signerStateOfProposal(p))) return;
    const proposal: Proposal = { ...p, signature: this.signature() };
    this.broadcast({ type: "proposal", proposal });
    this.feedBack({ type: "proposal", proposal });
  }

  private sendVote(v: UnsignedVote): void {
    if (this.byzantine === "equivocator") {
      this.equivocateVote(v);
      return;
    }
    if (!this.signOk(signerStateOfVote(v))) return;
    const vote: Vote = { ...v, signature: this.signature() };
    this.broadcast({ type: "vote", vote });
    this.feedBack({ type: "vote", vote });
  }

  /** A second block, valid or not, to half of the peers; the honest proposal to the other half. */
  private equivocateProposal(p: UnsignedProposal): void {
    const other = this.buildBlock(p.height, p.round, this.ctx.rng.chance(0.5));
    const a: Proposal = { ...p, signature: this.signature() };
    const b: Proposal = { ...p, ...other, validRound: -1, signature: this.signature() };
    const half = new Set(this.ctx.rng.shuffle([...Array(this.ctx.instances).keys()]).slice(0, this.ctx.instances >> 1));
    this.broadcast({ type: "proposal", proposal: a }, (peer) => half.has(peer));
    this.broadcast({ type: "proposal", proposal: b }, (peer) => !half.has(peer));
    this.remember(b);
    this.feedBack({ type: "proposal", proposal: a });
  }

  /** Its real vote to some peers, a conflicting one (nil, or another block it saw) to others. */
  private equivocateVote(v: UnsignedVote): void {
    const real: Vote = { ...v, signature: this.signature() };
    const seen = [...this.proposalsSeen.values()].filter((p) => p.height === v.height);
    const alt = v.blockHash === null && seen.length > 0 ? this.ctx.rng.pick(seen).blockHash : null;
    const fake: Vote = { ...real, blockHash: alt };
    for (let peer = 0; peer < this.ctx.instances; peer++)
      if (peer !== this.instance)
        this.ctx.send(this.instance, peer, { type: "vote", vote: this.ctx.rng.chance(0.5) ? real : fake });
    this.feedBack({ type: "vote", vote: real });
  }

  private decide(d: DecideAction): void {
    if (!this.ledger.has(d.height)) {
      const hash = bytesToHex(d.blockHash);
      const sync: CommitEvent = {
        type: "commit",
        height: d.height,
        block: d.block,
        blockHash: d.blockHash,
        commit: d.commit,
      };
      this.ledger.set(d.height, { hash, sync, nextProposers: d.nextProposers });
      this.decidedAtMs.set(d.height, this.ctx.now);
      if (this.honest) this.ctx.checker.onDecide(this.ctx.now, this.instance, d.height, hash, d.commit);
    }
    this.ctx.schedule(COMMIT_DELAY_MS, {
      kind: "start",
      instance: this.instance,
      epoch: this.epoch,
      height: d.height + 1,
      proposers: d.nextProposers,
    });
  }
}

/** The simulated application's verdict: blocks built as invalid say so in their last bytes. */
export function isValidBlock(block: Uint8Array): boolean {
  return block.length >= 2 && block[block.length - 2] === 0x6f && block[block.length - 1] === 0x6b; // "ok"
}
