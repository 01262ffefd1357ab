import type { P2PMessage } from "./message.ts";

/** A connected peer, as P2PNode.peers() lists it. */
export interface PeerInfo {
  /** Common name of the peer's node certificate. */
  name: string;
  orgId: string;
  /** Remote "host:port" of the connection. */
  address: string;
  connectedSinceMs: number;
  /** True if this node dialled the connection. */
  outbound: boolean;
  fingerprintHex: string;
}

export type MessageHandler = (peer: string, msg: P2PMessage) => void;
export type PeerConnectedHandler = (peer: PeerInfo) => void;
export type PeerDisconnectedHandler = (peer: PeerInfo, reason: string) => void;
