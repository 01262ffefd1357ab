import type { TLSSocket } from "node:tls";
import type { Identity, MembershipVerifier } from "@citychain/crypto";
import { bytesEqual, CityChainError, ErrorCode } from "@citychain/protocol";

/** What the membership check of a peer needs. */
export interface PeerAuthContext {
  verifier: MembershipVerifier;
  nowMs: number;
  isRevoked: (fingerprintHex: string) => boolean;
}

function refused(code: ErrorCode, message: string): CityChainError {
  return new CityChainError({ code }, message);
}

/**
 * The certificate the peer proved it holds in this TLS handshake, as DER.
 *
 * TLS runs with rejectUnauthorized false because OpenSSL knows nothing of
 * member organisations, but TLS 1.3 still made the peer sign the transcript
 * with the key of the certificate it sent (CertificateVerify); so the leaf
 * read back from the finished handshake is bound to this connection.
 *
 * getPeerX509Certificate() is the source. The legacy getPeerCertificate(true)
 * must agree when it answers, but on Node 20.20 it returns {} on the client
 * side for CityChain certificates (a plain OpenSSL certificate is fine there;
 * the server side answers), so its silence is not a refusal.
 */
export function peerCertificateDer(socket: TLSSocket): Uint8Array {
  const x509 = socket.getPeerX509Certificate();
  if (x509 === undefined) {
    throw refused(ErrorCode.P2P_HANDSHAKE_FAILED, "peer presented no certificate; nodes authenticate with theirs");
  }
  const der = new Uint8Array(x509.raw);
  const legacyRaw = socket.getPeerCertificate(true)?.raw;
  if (legacyRaw !== undefined && !bytesEqual(der, new Uint8Array(legacyRaw))) {
    throw refused(ErrorCode.P2P_HANDSHAKE_FAILED, "TLS reports two different peer certificates");
  }
  if (socket.getProtocol() !== "TLSv1.3") {
    throw refused(ErrorCode.P2P_HANDSHAKE_FAILED, `peer negotiated ${socket.getProtocol()}; TLSv1.3 is required`);
  }
  return der;
}

/**
 * Admits a peer only if its TLS certificate chains to a member organisation's
 * CA, is valid now, is not revoked, and has the `node` role (members and
 * devices talk to the API, never to the p2p port). Throws the verifier's
 * CERT_* error or CERT_ROLE_FORBIDDEN.
 */
export function authenticatePeer(socket: TLSSocket, ctx: PeerAuthContext): Identity {
  const der = peerCertificateDer(socket);
  const identity = ctx.verifier.validate(der, ctx.nowMs, ctx.isRevoked);
  if (identity.role !== "node") {
    throw refused(
      ErrorCode.CERT_ROLE_FORBIDDEN,
      `certificate ${identity.id} has role "${identity.role}"; only "node" certificates may join the p2p network`,
    );
  }
  return identity;
}
