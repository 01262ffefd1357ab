import { createPublicKey, randomBytes, webcrypto } from "node:crypto";
import type { SignatureAlgorithm } from "@citychain/protocol";
import { generateKeyPair, type KeyPair, keyPairToPem } from "../keys.ts";

// WebCrypto parameters of each algorithm, for @peculiar/x509 (which signs through WebCrypto).
const IMPORT_PARAMS: Record<SignatureAlgorithm, webcrypto.EcKeyImportParams | webcrypto.Algorithm> = {
  ed25519: { name: "Ed25519" },
  p256: { name: "ECDSA", namedCurve: "P-256" },
};
/** Certificate signature algorithm: Ed25519, or ecdsa-with-SHA256. */
export const CERT_SIGNING_PARAMS: Record<SignatureAlgorithm, webcrypto.EcdsaParams | webcrypto.Algorithm> = {
  ed25519: { name: "Ed25519" },
  p256: { name: "ECDSA", hash: "SHA-256" },
};

/**
 * Backdating of notBefore when the caller gives none: X.509 times have
 * one-second resolution and node clocks differ a little, so a certificate used
 * right after issuance must not look "not yet valid" to a peer.
 */
export const CERT_NOT_BEFORE_BACKDATE_MS = 5 * 60_000;

/** A fresh key, as a KeyPair (for PEM export) and as WebCrypto keys (for @peculiar/x509). */
export interface CertKeys {
  keyPair: KeyPair;
  keyPem: string;
  crypto: webcrypto.CryptoKeyPair;
}

/** WebCrypto keys for an existing KeyPair. */
export async function webCryptoKeys(keyPair: KeyPair): Promise<webcrypto.CryptoKeyPair> {
  const params = IMPORT_PARAMS[keyPair.alg];
  const pkcs8 = keyPair.privateKey.export({ format: "der", type: "pkcs8" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, params, true, ["sign"]);
  const spki = createPublicKey(keyPair.privateKey).export({ format: "der", type: "spki" });
  const publicKey = await webcrypto.subtle.importKey("spki", spki, params, true, ["verify"]);
  return { privateKey, publicKey };
}

export async function generateCertKeys(alg: SignatureAlgorithm): Promise<CertKeys> {
  const keyPair = generateKeyPair(alg);
  return { keyPair, keyPem: keyPairToPem(keyPair), crypto: await webCryptoKeys(keyPair) };
}

/** A random positive 128-bit serial number in hex (RFC 5280 allows up to 20 octets). */
export function randomSerialHex(): string {
  const b = randomBytes(16);
  // Top bit clear keeps the DER INTEGER positive; bit 6 set keeps it 16 bytes long.
  b[0] = (b[0] & 0x7f) | 0x40;
  return b.toString("hex");
}

export function daysToMs(days: number): number {
  return days * 24 * 60 * 60_000;
}
