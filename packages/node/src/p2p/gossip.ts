import { bytesToHex, sha256 } from "@citychain/protocol";
import { GOSSIP_SEEN_ENTRIES_MAX_DEFAULT } from "./limits.ts";
import type { P2PMessage } from "./message.ts";
import type { P2PNode } from "./p2p-node.ts";
import { SeenCache } from "./seen-cache.ts";

/** Message type of gossiped transactions. */
export const GOSSIP_TX_TYPE = "gossip/tx";

export interface GossipOptions {
  /** Message type this gossip uses (one Gossip per type). Default GOSSIP_TX_TYPE. */
  type?: string;
  /**
   * Id of an item, computed by the receiver from the bytes (never taken from
   * the sender, who could poison the seen-cache). For transactions pass the
   * transaction id; default SHA-256 of the bytes. May throw for bytes that
   * are not an item: that counts as the sender's misbehaviour.
   */
  idOf?: (payload: Uint8Array) => string;
  /**
   * Handles an item seen for the first time (e.g. mempool admission). Only
   * an item it accepts (true, or a promise of true) is forwarded, so a peer
   * cannot make the network relay invalid items.
   */
  accept: (payload: Uint8Array, from: string | undefined) => boolean | Promise<boolean>;
  /** Ids remembered. Default GOSSIP_SEEN_ENTRIES_MAX_DEFAULT. */
  seenEntriesMax?: number;
}

interface GossipMessage extends P2PMessage {
  payload: Uint8Array;
}

function isGossipMessage(msg: P2PMessage): msg is GossipMessage {
  return msg.payload instanceof Uint8Array;
}

/**
 * Flood gossip of opaque items (transactions): each node forwards an item to
 * its other peers the first time it sees and accepts it, so an item crosses
 * each connection at most about once per direction. The seen-cache is
 * bounded; an item older than its memory may be forwarded again, and the
 * mempool's duplicate check stops it there.
 */
export class Gossip {
  readonly type: string;
  private readonly idOf: (payload: Uint8Array) => string;
  private readonly seen: SeenCache;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly node: P2PNode,
    private readonly o: GossipOptions,
  ) {
    this.type = o.type ?? GOSSIP_TX_TYPE;
    this.idOf = o.idOf ?? ((b) => bytesToHex(sha256(b)));
    this.seen = new SeenCache(o.seenEntriesMax ?? GOSSIP_SEEN_ENTRIES_MAX_DEFAULT);
    this.unsubscribe = node.onMessage((peer, msg) => {
      if (msg.type === this.type) this.receive(peer, msg);
    });
  }

  /** Ids currently remembered. */
  get seenSize(): number {
    return this.seen.size;
  }

  /**
   * Publishes a local item (already accepted locally) to all peers; false if
   * it was seen before and so already gossiped.
   */
  publish(payload: Uint8Array): boolean {
    if (!this.seen.add(this.idOf(payload))) return false;
    this.node.broadcast({ type: this.type, payload });
    return true;
  }

  /** Stops listening for gossip messages. */
  close(): void {
    this.unsubscribe();
  }

  private receive(peer: string, msg: P2PMessage): void {
    if (!isGossipMessage(msg)) {
      this.node.reportMisbehaviour(peer, `"${this.type}" message without a byte-string payload`);
      return;
    }
    let id: string;
    try {
      id = this.idOf(msg.payload);
    } catch (e) {
      this.node.reportMisbehaviour(peer, `"${this.type}" payload has no id: ${(e as Error).message}`);
      return;
    }
    if (!this.seen.add(id)) return;
    const forward = (accepted: boolean) => {
      if (accepted) this.node.broadcast({ type: this.type, payload: msg.payload }, { except: peer });
    };
    const result = this.o.accept(msg.payload, peer);
    if (typeof result === "boolean") forward(result);
    // A rejected promise is the acceptor's failure, not the item's: do not forward.
    else result.then(forward, () => undefined);
  }
}
