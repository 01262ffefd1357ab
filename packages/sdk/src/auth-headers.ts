import { type CertSigner, sign } from "@citychain/crypto";
import { API_AUTH_HEADERS, apiSignBytes, bytesToBase64 } from "@citychain/protocol";

/**
 * Headers that prove a request comes from this identity: its certificate,
 * the time, and a signature over method, path with query, time and body.
 */
export function signedRequestHeaders(
  identity: CertSigner,
  method: string,
  pathWithQuery: string,
  body?: Uint8Array,
  nowMs = Date.now(),
): Record<string, string> {
  return {
    [API_AUTH_HEADERS.cert]: bytesToBase64(identity.certDer),
    [API_AUTH_HEADERS.time]: String(nowMs),
    [API_AUTH_HEADERS.signature]: bytesToBase64(
      sign(identity.keyPair, apiSignBytes(method, pathWithQuery, nowMs, body)),
    ),
  };
}
