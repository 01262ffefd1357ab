import type { LoadedIdentity, MembershipVerifier } from "@citychain/crypto";
import type { Logger } from "pino";
import {
  FRAME_BYTES_MAX_DEFAULT,
  HANDSHAKE_TIMEOUT_MS_DEFAULT,
  HANDSHAKES_PENDING_MAX_DEFAULT,
  IDLE_TIMEOUT_MS_DEFAULT,
  KEEPALIVE_INTERVAL_MS_DEFAULT,
  PEER_BAN_MS_DEFAULT,
  PEER_RECHECK_INTERVAL_MS_DEFAULT,
  PEER_STRIKES_MAX_DEFAULT,
  PEERS_MAX_DEFAULT,
  RECONNECT_DELAY_MS_MAX_DEFAULT,
  RECONNECT_DELAY_MS_MIN_DEFAULT,
  RECONNECT_JITTER_RATIO_DEFAULT,
  SEND_QUEUE_BYTES_MAX_DEFAULT,
  SEND_QUEUE_MESSAGES_MAX_DEFAULT,
} from "./limits.ts";

/**
 * A peer to dial. `name` must be the common name of the peer's node
 * certificate (initNetwork names both `<org>-node`): the connection is refused
 * if the node at that address is someone else.
 */
export interface PeerAddress {
  name: string;
  host: string;
  port: number;
  /** When set, the peer's certificate must come from this organisation's CA (pins the name to an org). */
  orgId?: string;
}

/**
 * What to do when a peer's send queue is full:
 * - "drop": refuse the new message (send returns false, counted in
 *   framesDropped, one warning per episode); the connection stays.
 * - "disconnect": close the connection, freeing its queue; reconnect and
 *   block sync bring the peer back.
 */
export type SendQueueFullPolicy = "drop" | "disconnect";

/** Tunable bounds; every field has a named default in limits.ts. */
export interface P2PLimits {
  frameBytesMax: number;
  sendQueueMessagesMax: number;
  sendQueueBytesMax: number;
  sendQueueFullPolicy: SendQueueFullPolicy;
  peersMax: number;
  handshakesPendingMax: number;
  handshakeTimeoutMs: number;
  reconnectDelayMsMin: number;
  reconnectDelayMsMax: number;
  reconnectJitterRatio: number;
  peerStrikesMax: number;
  peerBanMs: number;
  /** 0 disables the periodic re-check (recheckPeers() can still be called). */
  peerRecheckIntervalMs: number;
  /** 0 disables pings and the idle timeout. */
  keepaliveIntervalMs: number;
  idleTimeoutMs: number;
}

export const P2P_LIMITS_DEFAULT: P2PLimits = {
  frameBytesMax: FRAME_BYTES_MAX_DEFAULT,
  sendQueueMessagesMax: SEND_QUEUE_MESSAGES_MAX_DEFAULT,
  sendQueueBytesMax: SEND_QUEUE_BYTES_MAX_DEFAULT,
  sendQueueFullPolicy: "drop",
  peersMax: PEERS_MAX_DEFAULT,
  handshakesPendingMax: HANDSHAKES_PENDING_MAX_DEFAULT,
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS_DEFAULT,
  reconnectDelayMsMin: RECONNECT_DELAY_MS_MIN_DEFAULT,
  reconnectDelayMsMax: RECONNECT_DELAY_MS_MAX_DEFAULT,
  reconnectJitterRatio: RECONNECT_JITTER_RATIO_DEFAULT,
  peerStrikesMax: PEER_STRIKES_MAX_DEFAULT,
  peerBanMs: PEER_BAN_MS_DEFAULT,
  peerRecheckIntervalMs: PEER_RECHECK_INTERVAL_MS_DEFAULT,
  keepaliveIntervalMs: KEEPALIVE_INTERVAL_MS_DEFAULT,
  idleTimeoutMs: IDLE_TIMEOUT_MS_DEFAULT,
};

export interface P2PNodeOptions {
  /** This node's identity (loadIdentity of the node home's identity/); its role must be `node`. */
  identity: LoadedIdentity;
  /** Trusted organisation CAs (the node's verifier, so governance changes apply here too). */
  verifier: MembershipVerifier;
  /** Peers on another chain are refused in the hello. */
  chainId: string;
  /** Address to listen on; port 0 picks a free one (see P2PNode.address()). */
  host: string;
  port: number;
  /** Peers this node dials and keeps connected; others may still dial in. */
  peers: readonly PeerAddress[];
  logger: Logger;
  /** Revocation list lookup by certificate fingerprint (SHA-256 of DER, hex). Default: nothing revoked. */
  isRevoked?: (fingerprintHex: string) => boolean;
  /** Clock for certificate validity and stats. Default Date.now. */
  nowMs?: () => number;
  /** Source of reconnect jitter in [0, 1). Default Math.random. */
  random?: () => number;
  limits?: Partial<P2PLimits>;
}
