import { join } from "node:path";
import {
  type ConsensusAction,
  ConsensusCore,
  type ConsensusEvent,
  type CoreOptions,
  genesisProposerState,
  nextHeightProposerState,
  type ProposerState,
  replay,
  signerStateOfProposal,
  signerStateOfVote,
  timeoutConfigFromParams,
} from "@citychain/consensus";
import { type KeyPair, sign, verifySignature } from "@citychain/crypto";
import {
  type Application,
  type Block,
  blockHash,
  bytesEqual,
  bytesToHex,
  type ChainParams,
  decodeBlock,
  encode,
  encodeBlock,
  proposalSignBytes,
  type Validator,
  voteSignBytes,
} from "@citychain/protocol";
import type { Logger } from "pino";
import type { BlockProducer } from "../block-producer.ts";
import type { CommitGate } from "../commit-gate.ts";
import type { EventBus } from "../event-bus.ts";
import type { Mempool } from "../mempool.ts";
import type { P2PNode } from "../p2p/p2p-node.ts";
import { PROPOSAL_MESSAGE, parseProposal, parseVote, proposalMessage, VOTE_MESSAGE, voteMessage } from "./messages.ts";
import { SignerFile } from "./signer-file.ts";
import { WalFile } from "./wal-file.ts";

/** How often this node re-sends its consensus gossip set of the current height. */
export const GOSSIP_RESEND_MS = 1_000;
/** A proposal whose block time is further ahead of this node's clock is judged invalid. */
export const BLOCK_TIME_DRIFT_MS_MAX = 10_000;

export interface BftProducerOptions {
  chainId: string;
  app: Application;
  mempool: Mempool;
  events: EventBus;
  logger: Logger;
  p2p: P2PNode;
  gate: CommitGate;
  /** The validator set of each height (changes take effect at a height; see ValidatorSchedule). */
  validators: ValidatorSets;
  params: ChainParams;
  /** The block limits in force (governance may change them; `params` has the genesis values). */
  blockLimits: () => { blockTxsMax: number; blockBytesMax: number };
  /**
   * The node's key and address. The core votes only at heights whose set
   * holds the address, so a node that joins the set later starts voting
   * then; without them the node follows consensus without voting.
   */
  key?: KeyPair;
  address?: Uint8Array;
  /** Directory for the consensus WAL and the last-signed state. */
  dataDir: string;
  /** Records evidence of equivocation on chain (the node submits it as a transaction). */
  submitEvidence?: (evidence: Uint8Array) => void;
  now?: () => number;
}

/** Which validators decide each height. */
export interface ValidatorSets {
  at(height: number): readonly Validator[];
  /** First height of the set that governs `height` (proposer rotation restarts there). */
  fromHeightAt(height: number): number;
}

/**
 * Tendermint BFT as the node's block producer: the pure ConsensusCore decides,
 * this class does its I/O — the WAL (fsync'd), signing through the persisted
 * signer state, proposals and votes over p2p, timers, and the application
 * (prepare, process, finalize, commit). It replaces the solo producer and
 * nothing else.
 */
export class BftProducer implements BlockProducer {
  private core: ConsensusCore;
  private readonly wal: WalFile;
  private readonly signer: SignerFile;
  private readonly timers = new Set<NodeJS.Timeout>();
  private queue: Promise<void> = Promise.resolve();
  private running = false;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly coreOptions: CoreOptions;
  private readonly now: () => number;
  private proposerCache: { height: number; fromHeight: number; state: ProposerState } | undefined;

  constructor(private readonly o: BftProducerOptions) {
    this.now = o.now ?? Date.now;
    this.coreOptions = { address: o.address, timeouts: timeoutConfigFromParams(o.params) };
    this.core = new ConsensusCore(this.coreOptions);
    this.wal = new WalFile(join(o.dataDir, "consensus.wal"));
    this.signer = new SignerFile(join(o.dataDir, "signer-state.cbor"));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tip = this.o.app.info().height;
    const records = WalFile.read(this.wal.path);
    let resume: ConsensusAction[] = [];
    if (records.length > 0) {
      const replayed = replay(records, this.coreOptions);
      if (replayed.core.height === tip + 1) {
        this.core = replayed.core;
        resume = replayed.actions;
        this.o.logger.info({ height: tip + 1, records: records.length }, "consensus resumed from its WAL");
      }
    }
    this.unsubscribe.push(
      this.o.p2p.onMessage((peer, msg) => {
        if (msg.type === PROPOSAL_MESSAGE) this.onProposal(peer, msg);
        else if (msg.type === VOTE_MESSAGE) this.onVote(peer, msg);
      }),
      this.o.p2p.onPeerConnected((peer) => this.gossip(peer.name)),
      // Block sync may carry this node past the height it is deciding.
      this.o.events.onBlock((b) => {
        const h = b.block.header.height;
        this.enqueue(async () => {
          // Our own decisions start the next height after timeoutCommit; a block we did not decide moves us now.
          const behind = h > this.core.height || (h === this.core.height && !this.core.snapshot().decided);
          if (behind) await this.startHeight(h + 1);
        });
      }),
    );
    const rebroadcast = setInterval(() => this.gossip(undefined, { votesOnly: true }), GOSSIP_RESEND_MS);
    rebroadcast.unref();
    this.unsubscribe.push(() => clearInterval(rebroadcast));
    if (resume.length > 0) this.enqueue(() => this.carryOut(resume));
    else this.enqueue(() => this.startHeight(tip + 1));
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const u of this.unsubscribe) u();
    await this.queue;
    this.wal.close();
  }

  notifyTxs(): void {
    this.wakeForNextHeight?.();
  }

  /** Set while this node holds back the next height because there is nothing to order. */
  private wakeForNextHeight: (() => void) | undefined;

  private enqueue(step: () => Promise<void> | void): void {
    this.queue = this.queue
      .then(async () => {
        if (this.running) await step();
      })
      .catch((e) => this.o.logger.error({ err: e }, "consensus step failed"));
  }

  private feed(event: ConsensusEvent): void {
    if (event.type === "timeout") this.o.logger.debug({ ...event }, "consensus timeout");
    this.enqueue(() => this.carryOut(this.core.handle(event)));
  }

  /**
   * The weighted round-robin state of a height: it starts afresh at the first
   * height of each validator set (genesis, or a change) and advances one step
   * per height, so every node derives the same proposers from the chain alone.
   */
  private proposersAt(height: number): ProposerState {
    const fromHeight = this.o.validators.fromHeightAt(height);
    let c = this.proposerCache;
    if (!c || c.height > height || c.fromHeight !== fromHeight) {
      const set = this.o.validators.at(fromHeight);
      c = {
        height: fromHeight,
        fromHeight,
        state: genesisProposerState(set.map((v) => ({ address: v.address, power: v.power }))),
      };
    }
    while (c.height < height) c = { height: c.height + 1, fromHeight, state: nextHeightProposerState(c.state) };
    this.proposerCache = c;
    return c.state;
  }

  private async startHeight(height: number): Promise<void> {
    if (height <= this.core.height) return;
    await this.carryOut(this.core.handle({ type: "start", height, proposers: this.proposersAt(height) }));
  }

  private async carryOut(actions: ConsensusAction[]): Promise<void> {
    for (const a of actions) {
      if (a.type !== "walWrite") this.o.logger.trace({ action: a.type, ...this.core.snapshot() }, "consensus action");
      switch (a.type) {
        case "walWrite":
          this.wal.append(a.record);
          break;
        case "broadcastProposal": {
          const key = this.requireKey();
          this.signer.record(signerStateOfProposal(a.proposal));
          const p = a.proposal;
          const signature = sign(key, proposalSignBytes(this.o.chainId, p.height, p.round, p.blockHash, p.validRound));
          const proposal = { ...p, signature };
          this.o.p2p.broadcast(proposalMessage(proposal));
          this.feed({ type: "proposal", proposal });
          break;
        }
        case "broadcastVote": {
          const key = this.requireKey();
          this.signer.record(signerStateOfVote(a.vote));
          const v = a.vote;
          const signature = sign(key, voteSignBytes(this.o.chainId, v.type, v.height, v.round, v.blockHash));
          const vote = { ...v, signature };
          this.o.p2p.broadcast(voteMessage(vote));
          this.feed({ type: "vote", vote });
          break;
        }
        case "scheduleTimeout": {
          const t = setTimeout(() => {
            this.timers.delete(t);
            this.feed({ type: "timeout", step: a.step, height: a.height, round: a.round });
          }, a.durationMs);
          this.timers.add(t);
          break;
        }
        case "requestProposal":
          await this.buildProposal(a.height, a.round);
          break;
        case "validateProposal":
          await this.validate(a.height, a.block, a.blockHash);
          break;
        case "decide":
          await this.decide(a.height, a.block, a.commit, a.nextProposers);
          break;
        case "evidence":
          this.o.logger.warn(
            { validator: bytesToHex(a.evidence.voteA.validator), height: a.evidence.voteA.height },
            "validator signed two conflicting votes: recording the evidence on chain",
          );
          this.o.submitEvidence?.(encode(a.evidence));
          break;
      }
    }
  }

  /**
   * Broadcasts are fire-and-forget and a peer may connect late or reconnect:
   * the core's gossip set (this node's proposal and votes of the current
   * round, and the prevotes behind its valid value) goes to every peer that
   * connects, and its votes again every GOSSIP_RESEND_MS, as CometBFT's
   * consensus reactor does; receivers ignore duplicates.
   */
  private gossip(to?: string, opts: { votesOnly?: boolean } = {}): void {
    for (const m of this.core.gossipMessages()) {
      // A connected peer got the proposal (TCP); the periodic re-send skips it: it carries a whole block.
      if (opts.votesOnly && m.type === "proposal") continue;
      const msg = m.type === "proposal" ? proposalMessage(m.proposal) : voteMessage(m.vote);
      if (to) this.o.p2p.send(to, msg);
      else this.o.p2p.broadcast(msg);
    }
  }

  private requireKey(): KeyPair {
    if (!this.o.key) throw new Error("invariant violated: an observer was asked to sign");
    return this.o.key;
  }

  private async buildProposal(height: number, round: number): Promise<void> {
    const info = this.o.app.info();
    if (info.height + 1 !== height) return;
    const p = this.o.blockLimits();
    const { block, dropped } = await this.o.app.prepareProposal({
      height,
      timeMs: Math.max(this.now(), info.lastBlockTimeMs + 1),
      proposer: this.o.address as Uint8Array,
      prevHash: info.lastBlockHash,
      txs: this.o.mempool.peek(p.blockTxsMax, p.blockBytesMax),
    });
    for (const d of dropped) {
      this.o.mempool.remove(d.idHex);
      this.o.events.publishRejected(d.idHex, d.code, d.message);
    }
    const bytes = encodeBlock(block);
    await this.carryOut(
      this.core.handle({ type: "proposalReady", height, round, block: bytes, blockHash: blockHash(block.header) }),
    );
  }

  private async validate(height: number, bytes: Uint8Array, hash: Uint8Array): Promise<void> {
    let valid = false;
    try {
      const block = decodeBlock(bytes, this.o.blockLimits().blockBytesMax + 1024);
      if (!bytesEqual(blockHash(block.header), hash)) throw new Error("block hash does not match the proposal");
      if (block.header.timeMs > this.now() + BLOCK_TIME_DRIFT_MS_MAX) throw new Error("block time is too far ahead");
      const verdict = await this.o.app.processProposal(block);
      valid = verdict.accept;
      if (!verdict.accept)
        this.o.logger.warn({ height, code: verdict.code, reason: verdict.reason }, "proposal refused");
    } catch (e) {
      this.o.logger.warn({ height, err: (e as Error).message }, "proposal refused");
    }
    await this.carryOut(this.core.handle({ type: "proposalValidated", height, blockHash: hash, valid }));
  }

  private async decide(
    height: number,
    bytes: Uint8Array,
    commit: Parameters<Application["commit"]>[1],
    next: ProposerState,
  ): Promise<void> {
    await this.o.gate.run(async () => {
      if (this.o.app.info().height >= height) return;
      const block: Block = decodeBlock(bytes);
      const execution = await this.o.app.finalizeBlock(block);
      await this.o.app.commit(block, commit, execution);
      this.o.events.publishBlock({ block, commit, execution });
    });
    const fromHeight = this.o.validators.fromHeightAt(height + 1);
    // The core's successor state holds only while the set stays the same.
    this.proposerCache =
      fromHeight === this.o.validators.fromHeightAt(height)
        ? { height: height + 1, fromHeight, state: next }
        : undefined;
    // timeoutCommit: let transactions gather before the next height starts.
    // With nothing to order, wait for transactions (or a peer's move, or the
    // empty-block interval) instead of making empty blocks back to back.
    const begin = () => {
      this.wakeForNextHeight = undefined;
      this.enqueue(() => this.startHeight(height + 1));
    };
    const t = setTimeout(() => {
      this.timers.delete(t);
      const idleMs = this.o.params.emptyBlockIntervalMs;
      if (this.o.mempool.size > 0 || idleMs === 0) {
        begin();
        return;
      }
      const idle = setTimeout(() => {
        this.timers.delete(idle);
        begin();
      }, idleMs);
      this.timers.add(idle);
      this.wakeForNextHeight = () => {
        clearTimeout(idle);
        this.timers.delete(idle);
        begin();
      };
    }, this.o.params.timeoutCommitMs);
    this.timers.add(t);
  }

  private validatorOf(address: Uint8Array, height: number): Validator | undefined {
    return this.o.validators.at(height).find((v) => bytesEqual(v.address, address));
  }

  /**
   * Sets are known up to two heights past the tip; a message from further
   * ahead may come from a validator this node does not know of yet: it is
   * dropped, and its sender not blamed (the core re-requests by gossip).
   */
  private beyondKnownSets(height: number): boolean {
    return height > this.o.app.info().height + 2;
  }

  private onProposal(peer: string, msg: { type: string; [k: string]: unknown }): void {
    const proposal = parseProposal(msg);
    const v = proposal && this.validatorOf(proposal.proposer, proposal.height);
    if (proposal && !v && this.beyondKnownSets(proposal.height)) return;
    if (!proposal || !v) {
      this.o.p2p.reportMisbehaviour(peer, "malformed proposal or proposer not a validator");
      return;
    }
    const message = proposalSignBytes(
      this.o.chainId,
      proposal.height,
      proposal.round,
      proposal.blockHash,
      proposal.validRound,
    );
    if (!verifySignature(v.alg, v.publicKey, message, proposal.signature)) {
      this.o.p2p.reportMisbehaviour(peer, `proposal with a bad signature of ${v.name}`);
      return;
    }
    if (proposal.height > this.core.height) this.wakeForNextHeight?.();
    this.feed({ type: "proposal", proposal });
  }

  private onVote(peer: string, msg: { type: string; [k: string]: unknown }): void {
    const vote = parseVote(msg);
    const v = vote && this.validatorOf(vote.validator, vote.height);
    if (vote && !v && this.beyondKnownSets(vote.height)) return;
    if (!vote || !v) {
      this.o.p2p.reportMisbehaviour(peer, "malformed vote or voter not a validator");
      return;
    }
    const message = voteSignBytes(this.o.chainId, vote.type, vote.height, vote.round, vote.blockHash);
    if (!verifySignature(v.alg, v.publicKey, message, vote.signature)) {
      this.o.p2p.reportMisbehaviour(peer, `vote with a bad signature of ${v.name}`);
      return;
    }
    if (vote.height > this.core.height) this.wakeForNextHeight?.();
    this.feed({ type: "vote", vote });
  }
}
