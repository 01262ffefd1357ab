import { CityChainError, ErrorCode } from "@citychain/protocol";
import { CHAIN_ID_CHARS_MAX } from "./limits.ts";
import type { P2PMessage } from "./message.ts";

/** Version of the transport's own messages; a peer with another one is refused. */
export const P2P_PROTOCOL_VERSION = 1;

/** The first message on every connection, both ways, after TLS. */
export const HELLO_TYPE = "p2p/hello";

/**
 * The hello says which chain and protocol version the node speaks. It carries
 * no name: a peer's name is its certificate's common name, which TLS proved,
 * so a hello cannot claim to be another node. (A type alias, not an
 * interface, so it is assignable to P2PMessage's index signature.)
 */
export type Hello = {
  type: typeof HELLO_TYPE;
  chainId: string;
  version: number;
};

export function createHello(chainId: string): Hello {
  return { type: HELLO_TYPE, chainId, version: P2P_PROTOCOL_VERSION };
}

/** Checks a peer's hello against ours; throws P2P_HANDSHAKE_FAILED saying what differs. */
export function checkHello(msg: P2PMessage, chainId: string): void {
  const fail = (m: string) => new CityChainError({ code: ErrorCode.P2P_HANDSHAKE_FAILED }, m);
  if (msg.type !== HELLO_TYPE) throw fail(`first message must be "${HELLO_TYPE}", got "${msg.type}"`);
  const { chainId: theirs, version } = msg;
  if (typeof theirs !== "string" || theirs.length > CHAIN_ID_CHARS_MAX) throw fail("hello has no valid chainId");
  if (theirs !== chainId) throw fail(`peer is on chain "${theirs}", this node on "${chainId}"`);
  if (version !== P2P_PROTOCOL_VERSION) {
    throw fail(`peer speaks p2p protocol version ${String(version)}, this node ${P2P_PROTOCOL_VERSION}`);
  }
}
