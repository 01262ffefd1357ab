import type { ConnectionOptions, TlsOptions } from "node:tls";
import type { LoadedIdentity } from "@citychain/crypto";

/** TLS 1.3 signature schemes of the keys CityChain certificates hold (Ed25519, P-256). */
export const TLS_SIGALGS = "ed25519:ecdsa_secp256r1_sha256";

/** The node's certificate and PKCS#8 key as TLS wants them. */
export interface TlsCredentials {
  certPem: string;
  keyPem: string;
}

export function tlsCredentialsOf(identity: LoadedIdentity): TlsCredentials {
  return {
    certPem: identity.certPem,
    keyPem: identity.keyPair.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

/**
 * Server side: TLS 1.3 only, asks for the client's certificate but lets
 * OpenSSL accept any, because OpenSSL cannot judge membership of the
 * consortium; authenticatePeer does that right after the handshake.
 */
export function serverTlsOptions(c: TlsCredentials, handshakeTimeoutMs: number): TlsOptions {
  return {
    cert: c.certPem,
    key: c.keyPem,
    minVersion: "TLSv1.3",
    maxVersion: "TLSv1.3",
    sigalgs: TLS_SIGALGS,
    requestCert: true,
    rejectUnauthorized: false,
    handshakeTimeout: handshakeTimeoutMs,
  };
}

/** Client side: same rules; the peer is identified by membership, not by host name. */
export function clientTlsOptions(c: TlsCredentials, host: string, port: number): ConnectionOptions {
  return {
    host,
    port,
    cert: c.certPem,
    key: c.keyPem,
    minVersion: "TLSv1.3",
    maxVersion: "TLSv1.3",
    sigalgs: TLS_SIGALGS,
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  };
}
