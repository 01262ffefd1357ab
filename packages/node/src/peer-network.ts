import type { LoadedIdentity, MembershipVerifier } from "@citychain/crypto";
import type { Ledger } from "@citychain/ledger";
import type { Application } from "@citychain/protocol";
import type { Logger } from "pino";
import { BlockSync, parseSyncMessage, SYNC_INTERVAL_MS_DEFAULT } from "./block-sync.ts";
import type { CommitGate } from "./commit-gate.ts";
import type { EventBus } from "./event-bus.ts";
import type { PeerAddress } from "./p2p/options.ts";
import { P2PNode } from "./p2p/p2p-node.ts";
import { TxGossip } from "./tx-gossip.ts";

export interface PeerNetworkOptions {
  chainId: string;
  identity: LoadedIdentity;
  verifier: MembershipVerifier;
  isRevoked: (fingerprintHex: string) => boolean;
  host: string;
  port: number;
  peers: readonly PeerAddress[];
  app: Application;
  ledger: Ledger;
  events: EventBus;
  logger: Logger;
  txBytesMax: number;
  /** Admits transactions that arrived by gossip; one verdict each (true: the mempool took it). */
  admitTxs: (txs: Uint8Array[]) => Promise<boolean[]>;
  gate: CommitGate;
  /** Transactions waiting in the mempool, oldest first (sent to a peer that connects). */
  pendingTxs: (countMax: number) => Uint8Array[];
}

/** At most this many mempool transactions are sent to a newly connected peer. */
export const MEMPOOL_SYNC_TXS_MAX = 10_000;

/**
 * The node's life among its peers: the TLS transport, transaction gossip (so
 * a transaction submitted to any node reaches the block producer) and block
 * sync (so every node stores every block). Consensus messages join here when
 * the BFT engine lands.
 */
export class PeerNetwork {
  readonly p2p: P2PNode;
  readonly sync: BlockSync;
  private readonly gossip: TxGossip;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(o: PeerNetworkOptions) {
    this.p2p = new P2PNode({
      identity: o.identity,
      verifier: o.verifier,
      chainId: o.chainId,
      host: o.host,
      port: o.port,
      peers: o.peers,
      logger: o.logger.child({ component: "p2p" }),
      isRevoked: o.isRevoked,
    });
    this.sync = new BlockSync({
      chainId: o.chainId,
      app: o.app,
      ledger: o.ledger,
      events: o.events,
      logger: o.logger.child({ component: "sync" }),
      transport: { send: (peer, msg) => this.p2p.send(peer, msg), broadcast: (msg) => this.p2p.broadcast(msg) },
      onMisbehaviour: (peer, reason) => this.p2p.reportMisbehaviour(peer, reason),
      gate: o.gate,
    });
    this.gossip = new TxGossip({
      p2p: this.p2p,
      logger: o.logger.child({ component: "gossip" }),
      txBytesMax: o.txBytesMax,
      admit: o.admitTxs,
    });
    this.unsubscribe.push(
      this.p2p.onMessage((peer, msg) => {
        if (!msg.type.startsWith("sync/")) return;
        const parsed = parseSyncMessage(msg);
        if (!parsed) {
          this.p2p.reportMisbehaviour(peer, `malformed ${msg.type} message`);
          return;
        }
        this.sync.handle(peer, parsed).catch((e) => o.logger.error({ err: e, peer }, "block sync failed"));
      }),
      this.p2p.onPeerConnected((peer) => {
        this.sync.announce();
        // A transaction gossiped before this peer was connected must still reach it.
        this.gossip.sendTo(peer.name, o.pendingTxs(MEMPOOL_SYNC_TXS_MAX));
      }),
      this.p2p.onPeerDisconnected((peer) => this.sync.peerDisconnected(peer.name)),
      o.events.onBlock(() => this.sync.announce()),
    );
  }

  async start(): Promise<void> {
    await this.p2p.start();
    this.timer = setInterval(() => this.sync.tick(), SYNC_INTERVAL_MS_DEFAULT);
    this.timer.unref();
  }

  /** Sends a transaction accepted locally to the peers. */
  gossipTx(bytes: Uint8Array, idHex: string): void {
    this.gossip.publish(bytes, idHex);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    this.gossip.close();
    await this.p2p.stop();
  }
}
