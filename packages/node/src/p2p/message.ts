import { CityChainError, decode, ErrorCode, encode, isCityChainError } from "@citychain/protocol";
import { MESSAGE_TYPE_CHARS_MAX } from "./limits.ts";

/**
 * A message between nodes: a canonical-CBOR map whose `type` names it.
 * Types starting with "p2p/" belong to the transport itself and are never
 * handed to onMessage handlers.
 */
export interface P2PMessage {
  type: string;
  [field: string]: unknown;
}

/** Prefix of the transport's own message types. */
export const P2P_TYPE_PREFIX = "p2p/";

function invalid(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.P2P_MESSAGE_INVALID }, message);
}

/** Canonical CBOR of a message. */
export function encodeMessage(msg: P2PMessage): Uint8Array {
  return encode(msg);
}

/**
 * Decodes a frame payload from a peer. Throws P2P_MESSAGE_INVALID for bytes
 * that are not canonical CBOR or not a map with a short string `type`.
 */
export function decodeMessage(payload: Uint8Array, frameBytesMax: number): P2PMessage {
  let value: unknown;
  try {
    value = decode(payload, frameBytesMax);
  } catch (e) {
    const why = isCityChainError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
    throw invalid(`frame is not a canonical CBOR message (${why})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw invalid("message must be a CBOR map");
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string" || type.length === 0 || type.length > MESSAGE_TYPE_CHARS_MAX) {
    throw invalid(`message "type" must be a string of 1 to ${MESSAGE_TYPE_CHARS_MAX} characters`);
  }
  return value as P2PMessage;
}
