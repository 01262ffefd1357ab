import { commitProblem } from "@citychain/crypto";
import type { Ledger } from "@citychain/ledger";
import {
  type Application,
  type Block,
  blockHash,
  bytesEqual,
  type Commit,
  decodeBlock,
  decodeCommit,
} from "@citychain/protocol";
import type { Logger } from "pino";
import type { CommitGate } from "./commit-gate.ts";
import type { EventBus } from "./event-bus.ts";

/** Blocks one sync answer carries at most, and their total size. */
export const SYNC_BLOCKS_PER_MESSAGE_MAX = 64;
export const SYNC_MESSAGE_BYTES_MAX = 8 * 1024 * 1024;
/** How often a node re-announces its height and asks a peer that is ahead. */
export const SYNC_INTERVAL_MS_DEFAULT = 1_000;

/** What block sync needs from the peer-to-peer layer. */
export interface SyncTransport {
  send(peer: string, msg: SyncMessage): void;
  broadcast(msg: SyncMessage): void;
}

export type SyncMessage =
  | { type: "sync/status"; height: number }
  | { type: "sync/get"; from: number; count: number }
  | { type: "sync/blocks"; items: { block: Uint8Array; commit: Uint8Array }[] };

/** Checks the shape of a sync message from a peer; undefined if it is not one. */
export function parseSyncMessage(msg: { type: string; [k: string]: unknown }): SyncMessage | undefined {
  const isCount = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
  switch (msg.type) {
    case "sync/status":
      return isCount(msg.height) ? { type: "sync/status", height: msg.height as number } : undefined;
    case "sync/get":
      return isCount(msg.from) && isCount(msg.count)
        ? { type: "sync/get", from: msg.from as number, count: msg.count as number }
        : undefined;
    case "sync/blocks": {
      const items = msg.items;
      if (!Array.isArray(items) || items.length > SYNC_BLOCKS_PER_MESSAGE_MAX) return undefined;
      for (const it of items) {
        if (typeof it !== "object" || it === null) return undefined;
        const { block, commit } = it as { block?: unknown; commit?: unknown };
        if (!(block instanceof Uint8Array) || !(commit instanceof Uint8Array)) return undefined;
      }
      return { type: "sync/blocks", items: items as { block: Uint8Array; commit: Uint8Array }[] };
    }
    default:
      return undefined;
  }
}

export interface BlockSyncOptions {
  chainId: string;
  app: Application;
  ledger: Ledger;
  events: EventBus;
  transport: SyncTransport;
  logger: Logger;
  /** Serialises commits with the consensus engine, if one runs. */
  gate?: CommitGate;
  /** Called for a peer that sent something provably wrong (the p2p layer may disconnect it). */
  onMisbehaviour?: (peer: string, reason: string) => void;
}

/**
 * Brings a node that is behind (new, restarted, observer) up to its peers:
 * asks a peer that announced a greater height for the next blocks, and
 * applies each one only after checking its commit certificate against the
 * validator set and re-executing it (processProposal checks every root), so
 * a lying peer can waste time but not change what this node stores.
 */
export class BlockSync {
  private readonly peerHeights = new Map<string, number>();
  private requestedFrom: string | undefined;
  private applying = false;

  constructor(private readonly o: BlockSyncOptions) {}

  /** Our height changed (a block committed): tell peers. */
  announce(): void {
    this.o.transport.broadcast({ type: "sync/status", height: this.o.app.info().height });
  }

  /** Periodic tick: announce, and ask the most advanced peer if we are behind. */
  tick(): void {
    this.announce();
    this.requestIfBehind();
  }

  peerDisconnected(peer: string): void {
    this.peerHeights.delete(peer);
    if (this.requestedFrom === peer) this.requestedFrom = undefined;
  }

  /** Highest height a peer has announced (0 if none). */
  bestPeerHeight(): number {
    let best = 0;
    for (const h of this.peerHeights.values()) best = Math.max(best, h);
    return best;
  }

  async handle(peer: string, msg: SyncMessage): Promise<void> {
    switch (msg.type) {
      case "sync/status":
        if (Number.isSafeInteger(msg.height) && msg.height >= 0) {
          this.peerHeights.set(peer, msg.height);
          this.requestIfBehind();
        }
        return;
      case "sync/get":
        this.serve(peer, msg.from, msg.count);
        return;
      case "sync/blocks":
        if (this.requestedFrom === peer) this.requestedFrom = undefined;
        await this.apply(peer, msg.items);
        this.requestIfBehind();
        return;
    }
  }

  private requestIfBehind(): void {
    if (this.applying || this.requestedFrom !== undefined) return;
    const ours = this.o.app.info().height;
    let best: [string, number] | undefined;
    for (const [p, h] of this.peerHeights) if (h > ours && (!best || h > best[1])) best = [p, h];
    if (!best) return;
    this.requestedFrom = best[0];
    const count = Math.min(SYNC_BLOCKS_PER_MESSAGE_MAX, best[1] - ours);
    this.o.transport.send(best[0], { type: "sync/get", from: ours + 1, count });
    // An unanswered request must not stall sync forever.
    const askedOf = best[0];
    setTimeout(() => {
      if (this.requestedFrom === askedOf) this.requestedFrom = undefined;
    }, SYNC_INTERVAL_MS_DEFAULT * 5).unref();
  }

  private serve(peer: string, from: number, count: number): void {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(count) || from < 1 || count < 1) {
      this.o.onMisbehaviour?.(peer, `sync/get with from=${from} count=${count}`);
      return;
    }
    const latest = this.o.ledger.latestHeight();
    const items: { block: Uint8Array; commit: Uint8Array }[] = [];
    let bytes = 0;
    for (let h = from; h <= latest && items.length < Math.min(count, SYNC_BLOCKS_PER_MESSAGE_MAX); h++) {
      const block = this.o.ledger.getBlockBytes(h);
      const commit = this.o.ledger.getCommitBytes(h);
      if (!block || !commit) break;
      if (items.length > 0 && bytes + block.length + commit.length > SYNC_MESSAGE_BYTES_MAX) break;
      bytes += block.length + commit.length;
      items.push({ block, commit });
    }
    if (items.length > 0) this.o.transport.send(peer, { type: "sync/blocks", items });
  }

  private async apply(peer: string, items: { block: Uint8Array; commit: Uint8Array }[]): Promise<void> {
    if (this.applying) return;
    this.applying = true;
    try {
      for (const item of items.slice(0, SYNC_BLOCKS_PER_MESSAGE_MAX)) {
        const reason = await this.applyOne(item);
        if (reason === "stale") continue;
        if (reason) {
          // Do not ask this peer again until it announces itself anew.
          this.peerHeights.delete(peer);
          this.o.logger.warn({ peer, reason }, "block from peer refused");
          this.o.onMisbehaviour?.(peer, reason);
          return;
        }
      }
    } finally {
      this.applying = false;
    }
  }

  /** Applies one synced block; returns why it was refused, "stale" if we have it already, or undefined. */
  private async applyOne(item: { block: Uint8Array; commit: Uint8Array }): Promise<string | undefined> {
    let block: Block;
    let commit: Commit;
    try {
      block = decodeBlock(item.block);
      commit = decodeCommit(item.commit);
    } catch (e) {
      return `undecodable block or commit: ${(e as Error).message}`;
    }
    const ours = this.o.app.info().height;
    if (block.header.height <= ours) return "stale";
    if (block.header.height !== ours + 1) return `block ${block.header.height} does not follow our height ${ours}`;
    const hash = blockHash(block.header);
    if (commit.height !== block.header.height || !bytesEqual(commit.blockHash, hash)) {
      return `commit certificate is not for block ${block.header.height}`;
    }
    const problem = commitProblem(this.o.chainId, commit, this.o.app.validatorsAt(block.header.height));
    if (problem) return `block ${block.header.height}: commit certificate: ${problem}`;
    const step = async (): Promise<string | undefined> => {
      // Consensus may have committed this height while we waited for the gate.
      if (this.o.app.info().height >= block.header.height) return "stale";
      const verdict = await this.o.app.processProposal(block);
      if (!verdict.accept) return `block ${block.header.height}: ${verdict.code}: ${verdict.reason}`;
      const execution = await this.o.app.finalizeBlock(block);
      await this.o.app.commit(block, commit, execution);
      this.o.events.publishBlock({ block, commit, execution });
      return undefined;
    };
    return this.o.gate ? this.o.gate.run(step) : step();
  }
}
