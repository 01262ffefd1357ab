import { bytesToHex, concatBytes, utf8ToBytes } from "./bytes.ts";
import { sha256 } from "./hash.ts";

/**
 * Signed API requests. A member proves who it is on every read by signing a
 * description of the request with its certificate's key; the server and the
 * SDK must build the same bytes, so both take them from here.
 */
export const API_AUTH_HEADERS = {
  /** Base64 DER X.509 certificate of the caller. */
  cert: "x-citychain-cert",
  /** Milliseconds since 1970 when the request was signed. */
  time: "x-citychain-time",
  /** Base64 signature over apiSignBytes(...). */
  signature: "x-citychain-signature",
} as const;

/** A signed request is accepted this far from the server's clock, either way. */
export const API_AUTH_CLOCK_SKEW_MS_MAX = 5 * 60 * 1000;

const API_SIGN_DOMAIN = "citychain/api/v1";

/**
 * The bytes a caller signs for one request: the UTF-8 string
 * `citychain/api/v1\n${METHOD}\n${pathWithQuery}\n${timeMs}\n${sha256hex(body)}`.
 * The domain line keeps an API signature from passing as a transaction or
 * vote signature; the body hash binds the signature to the exact payload.
 */
export function apiSignBytes(method: string, pathWithQuery: string, timeMs: number, body?: Uint8Array): Uint8Array {
  const bodyHash = bytesToHex(sha256(body ?? new Uint8Array(0)));
  return concatBytes(
    utf8ToBytes(`${API_SIGN_DOMAIN}\n${method.toUpperCase()}\n${pathWithQuery}\n${timeMs}\n`),
    utf8ToBytes(bodyHash),
  );
}
