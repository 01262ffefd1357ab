import { createPrivateKey, type KeyObject } from "node:crypto";
import { CityChainError, ErrorCode, type SignatureAlgorithm } from "@citychain/protocol";
import { ed25519GeneratePrivateKey, ed25519Sign, ed25519Verify } from "./ed25519.ts";
import { p256GeneratePrivateKey, p256Sign, p256Verify } from "./p256.ts";
import { rawPublicKeyFromKeyObject } from "./raw-keys.ts";

/**
 * A signing key. The private key is a parsed KeyObject (and backends cache
 * their own derived forms per KeyObject), so signing never re-parses PEM.
 */
export interface KeyPair {
  readonly alg: SignatureAlgorithm;
  /** Raw public key: 32 bytes for ed25519, 65-byte uncompressed point for p256. */
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

/** Wraps a private KeyObject; throws KEY_UNSUPPORTED for other key types. */
export function keyPairFromKeyObject(privateKey: KeyObject): KeyPair {
  if (privateKey.type !== "private") {
    throw new CityChainError(
      { code: ErrorCode.KEY_UNSUPPORTED },
      `expected a private key, got a ${privateKey.type} key`,
    );
  }
  const { alg, publicKey } = rawPublicKeyFromKeyObject(privateKey);
  return { alg, publicKey, privateKey };
}

/** A fresh key pair. */
export function generateKeyPair(alg: SignatureAlgorithm = "ed25519"): KeyPair {
  switch (alg) {
    case "ed25519":
      return keyPairFromKeyObject(ed25519GeneratePrivateKey());
    case "p256":
      return keyPairFromKeyObject(p256GeneratePrivateKey());
    default:
      throw new CityChainError({ code: ErrorCode.KEY_UNSUPPORTED }, `unknown signature algorithm "${String(alg)}"`);
  }
}

/** Signs a message: Ed25519, or ECDSA P-256 with SHA-256 in 64-byte r || s form. */
export function sign(keyPair: KeyPair, message: Uint8Array): Uint8Array {
  return keyPair.alg === "ed25519" ? ed25519Sign(keyPair.privateKey, message) : p256Sign(keyPair.privateKey, message);
}

/**
 * Checks a signature. Input comes from peers and clients, so anything
 * malformed (wrong lengths, invalid point, unknown algorithm) is `false`,
 * never an exception.
 */
export function verifySignature(
  alg: SignatureAlgorithm,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!(publicKey instanceof Uint8Array && message instanceof Uint8Array && signature instanceof Uint8Array)) {
    return false;
  }
  if (alg === "ed25519") return ed25519Verify(publicKey, message, signature);
  if (alg === "p256") return p256Verify(publicKey, message, signature);
  return false;
}

/** Parses a PKCS#8 PEM private key (once; keep the KeyPair to sign fast). */
export function keyPairFromPem(pem: string): KeyPair {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.KEY_UNSUPPORTED },
      `cannot read private key PEM (expected "-----BEGIN PRIVATE KEY-----" PKCS#8): ${(e as Error).message}`,
    );
  }
  return keyPairFromKeyObject(privateKey);
}

/** PKCS#8 PEM of the private key. */
export function keyPairToPem(keyPair: KeyPair): string {
  return keyPair.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}
