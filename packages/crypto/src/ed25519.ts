import { createPrivateKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { createRequire } from "node:module";
import { bytesToHex } from "@citychain/protocol";
import { PUBLIC_KEY_CACHE_ENTRIES_MAX } from "./limits.ts";
import { LruCache } from "./lru.ts";
import { bufferToBytes, ED25519_PUBLIC_KEY_BYTES, publicKeyObjectFromRaw, SIGNATURE_BYTES } from "./raw-keys.ts";

/** The part of sodium-native's API this module uses (the package ships no types). */
interface SodiumSign {
  crypto_sign_detached(sig: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  crypto_sign_verify_detached(sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
}

/** Which Ed25519 implementation this process uses. */
export type Ed25519Backend = "sodium-native" | "node:crypto";

/** Set to "node:crypto" to force the fallback backend (tests, or to rule out the native addon). */
export const ED25519_BACKEND_ENV = "CITYCHAIN_ED25519_BACKEND";

function loadSodium(): SodiumSign | undefined {
  if (process.env[ED25519_BACKEND_ENV] === "node:crypto") return undefined;
  // sodium-native is a native addon: loading it synchronously through require
  // lets us fall back to node:crypto on a platform without a prebuilt binary.
  try {
    return createRequire(import.meta.url)("sodium-native") as SodiumSign;
  } catch {
    return undefined;
  }
}

const sodium = loadSodium();

/**
 * The Ed25519 backend in use: libsodium (about 2x faster verification and
 * strict about small-order keys) when sodium-native loads, else OpenSSL.
 */
export const ed25519Backend: Ed25519Backend = sodium ? "sodium-native" : "node:crypto";

/** libsodium secret keys (seed || public key) derived once per private KeyObject. */
const sodiumSecretKeys = new WeakMap<KeyObject, Uint8Array>();
/** node:crypto backend only: public KeyObjects by hex, so a hot signer's key is parsed once. */
const publicKeys = new LruCache<string, KeyObject>(PUBLIC_KEY_CACHE_ENTRIES_MAX);

function sodiumSecretKey(s: SodiumSign, privateKey: KeyObject): Uint8Array {
  let secretKey = sodiumSecretKeys.get(privateKey);
  if (!secretKey) {
    const jwk = privateKey.export({ format: "jwk" });
    const seed = Buffer.from(jwk.d ?? "", "base64url");
    const publicKey = new Uint8Array(ED25519_PUBLIC_KEY_BYTES);
    secretKey = new Uint8Array(64);
    s.crypto_sign_seed_keypair(publicKey, secretKey, seed);
    sodiumSecretKeys.set(privateKey, secretKey);
  }
  return secretKey;
}

/** A fresh Ed25519 private key. */
export function ed25519GeneratePrivateKey(): KeyObject {
  return generateKeyPairSync("ed25519").privateKey;
}

/** Imports a 32-byte Ed25519 seed as a private KeyObject (for deterministic test keys). */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  // PKCS#8 for Ed25519 is a fixed 16-byte header followed by the seed.
  const header = Buffer.from("302e020100300506032b657004220420", "hex");
  return createPrivateKey({ key: Buffer.concat([header, seed]), format: "der", type: "pkcs8" });
}

/** Detached Ed25519 signature (64 bytes). */
export function ed25519Sign(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  if (sodium) {
    const sig = new Uint8Array(SIGNATURE_BYTES);
    sodium.crypto_sign_detached(sig, message, sodiumSecretKey(sodium, privateKey));
    return sig;
  }
  return bufferToBytes(sign(null, message, privateKey));
}

/** Checks an Ed25519 signature; false for any malformed input, never throws. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  if (sodium) return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  try {
    const hex = bytesToHex(publicKey);
    let key = publicKeys.get(hex);
    if (!key) {
      key = publicKeyObjectFromRaw("ed25519", publicKey);
      publicKeys.set(hex, key);
    }
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
