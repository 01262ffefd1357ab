import { type Identity, verifySignature } from "@citychain/crypto";
import {
  API_AUTH_CLOCK_SKEW_MS_MAX,
  API_AUTH_HEADERS,
  apiSignBytes,
  base64ToBytes,
  CERT_BYTES_MAX,
  type ChainMode,
  CityChainError,
  ErrorCode,
} from "@citychain/protocol";
import { MEMBERSHIP_CONTRACT, REVOKED_PREFIX, stateKey } from "@citychain/runtime";
import type { FastifyRequest } from "fastify";
import type { CityChainNode } from "../node.ts";

/** Modes in which only members may read. */
export function readsNeedMembership(mode: ChainMode): boolean {
  return mode === "alliance" || mode === "private";
}

function authError(code: string, message: string): CityChainError {
  return new CityChainError({ code }, message);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Whether the certificate with this fingerprint is revoked in committed state. */
export function isRevokedOnChain(node: CityChainNode, fingerprintHex: string): boolean {
  return node.ledger.getState(stateKey(MEMBERSHIP_CONTRACT, REVOKED_PREFIX + fingerprintHex)) !== undefined;
}

/**
 * Checks a signed request: the certificate chains to a member organisation,
 * is valid now and not revoked, the time is within the allowed skew, and the
 * signature covers this method, path, query, time and body. Returns who
 * called, or throws AUTH_* / CERT_* explaining what to fix.
 */
export function authenticate(node: CityChainNode, request: FastifyRequest, nowMs = Date.now()): Identity {
  const certB64 = header(request, API_AUTH_HEADERS.cert);
  const timeText = header(request, API_AUTH_HEADERS.time);
  const sigB64 = header(request, API_AUTH_HEADERS.signature);
  if (!certB64 || !timeText || !sigB64) {
    throw authError(
      ErrorCode.AUTH_REQUIRED,
      `this chain runs in '${node.genesis.mode}' mode: reads need a member's signed request (headers ${Object.values(API_AUTH_HEADERS).join(", ")}); use the SDK with an identity`,
    );
  }
  const timeMs = Number(timeText);
  if (!/^\d{1,16}$/.test(timeText) || !Number.isSafeInteger(timeMs)) {
    throw authError(ErrorCode.AUTH_INVALID, `${API_AUTH_HEADERS.time} must be milliseconds since 1970`);
  }
  if (Math.abs(nowMs - timeMs) > API_AUTH_CLOCK_SKEW_MS_MAX) {
    throw authError(
      ErrorCode.AUTH_INVALID,
      `request time ${timeMs} is more than ${API_AUTH_CLOCK_SKEW_MS_MAX / 1000} s from the node's clock (${nowMs}); sign it again now, or fix the client's clock`,
    );
  }
  const certDer = base64ToBytes(certB64);
  if (certDer.length === 0 || certDer.length > CERT_BYTES_MAX) {
    throw authError(ErrorCode.AUTH_INVALID, `${API_AUTH_HEADERS.cert} must be a base64 DER certificate`);
  }
  // Throws CERT_UNKNOWN_CA, CERT_EXPIRED, CERT_REVOKED, ... with their own messages.
  const identity = node.app.membership.validate(certDer, nowMs, (fp) => isRevokedOnChain(node, fp));
  const body = request.rawBody;
  const message = apiSignBytes(request.method, request.url, timeMs, body);
  let ok = false;
  try {
    ok = verifySignature(identity.alg, identity.publicKey, message, base64ToBytes(sigB64));
  } catch {
    ok = false;
  }
  if (!ok) {
    throw authError(
      ErrorCode.AUTH_INVALID,
      "the request signature does not verify with the certificate's key; sign method, path with query, time and body hash as apiSignBytes does",
    );
  }
  return identity;
}
