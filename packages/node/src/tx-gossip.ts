import { decodeTx } from "@citychain/protocol";
import type { Logger } from "pino";
import type { P2PNode } from "./p2p/p2p-node.ts";
import { SeenCache } from "./p2p/seen-cache.ts";

export const TX_BATCH_MESSAGE = "gossip/txs";
/** Transactions per gossip message, and how long a batch waits to fill. */
export const TX_BATCH_TXS_MAX = 512;
export const TX_BATCH_WAIT_MS = 5;
/** Transaction ids remembered so each crosses each link about once. */
export const TX_SEEN_ENTRIES_MAX = 200_000;

export interface TxGossipOptions {
  p2p: P2PNode;
  logger: Logger;
  txBytesMax: number;
  /** Admits transactions that arrived by gossip; one verdict per transaction (true: taken into the mempool). */
  admit: (txs: Uint8Array[]) => Promise<boolean[]>;
}

/**
 * Flood gossip of transactions in batches: a node sends what it accepted
 * (from clients or from peers) to its peers in messages of up to
 * TX_BATCH_TXS_MAX transactions, each admitted by the receiver in one
 * checkTxs call (one signature batch on the pool), and forwards only what it
 * accepted, never back to the sender. A bounded seen-cache keyed by the
 * transaction id (computed by the receiver from the bytes) stops repeats.
 */
export class TxGossip {
  private readonly seen = new SeenCache(TX_SEEN_ENTRIES_MAX);
  private pending: { bytes: Uint8Array; except?: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: TxGossipOptions) {
    this.unsubscribe = o.p2p.onMessage((peer, msg) => {
      if (msg.type !== TX_BATCH_MESSAGE) return;
      const payloads = msg.payloads;
      if (
        !Array.isArray(payloads) ||
        payloads.length > TX_BATCH_TXS_MAX ||
        !payloads.every((p) => p instanceof Uint8Array)
      ) {
        o.p2p.reportMisbehaviour(peer, `malformed ${TX_BATCH_MESSAGE} message`);
        return;
      }
      void this.receive(peer, payloads as Uint8Array[]);
    });
  }

  /** Queues a transaction this node accepted from a client. */
  publish(bytes: Uint8Array, idHex: string): void {
    if (!this.seen.add(idHex)) return;
    this.enqueue(bytes);
  }

  /** Sends transactions to one peer now (a peer that just connected). */
  sendTo(peer: string, txs: Uint8Array[]): void {
    for (let i = 0; i < txs.length; i += TX_BATCH_TXS_MAX) {
      this.o.p2p.send(peer, { type: TX_BATCH_MESSAGE, payloads: txs.slice(i, i + TX_BATCH_TXS_MAX) });
    }
  }

  close(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }

  private enqueue(bytes: Uint8Array, except?: string): void {
    this.pending.push({ bytes, except });
    if (this.pending.length >= TX_BATCH_TXS_MAX) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), TX_BATCH_WAIT_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    for (const peer of this.o.p2p.peers()) {
      const payloads = batch.filter((b) => b.except !== peer.name).map((b) => b.bytes);
      if (payloads.length > 0) this.o.p2p.send(peer.name, { type: TX_BATCH_MESSAGE, payloads });
    }
  }

  private async receive(peer: string, payloads: Uint8Array[]): Promise<void> {
    const fresh: Uint8Array[] = [];
    for (const p of payloads) {
      let id: string;
      try {
        id = decodeTx(p, this.o.txBytesMax).idHex;
      } catch (e) {
        this.o.p2p.reportMisbehaviour(peer, `gossiped bytes are not a transaction: ${(e as Error).message}`);
        return;
      }
      if (this.seen.add(id)) fresh.push(p);
    }
    if (fresh.length === 0) return;
    try {
      const verdicts = await this.o.admit(fresh);
      fresh.forEach((p, i) => {
        if (verdicts[i]) this.enqueue(p, peer);
      });
    } catch (e) {
      this.o.logger.error({ err: e, peer }, "gossiped transactions could not be admitted");
    }
  }
}
