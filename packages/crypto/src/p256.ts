import { generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { bytesToHex } from "@citychain/protocol";
import { PUBLIC_KEY_CACHE_ENTRIES_MAX } from "./limits.ts";
import { LruCache } from "./lru.ts";
import { bufferToBytes, P256_PUBLIC_KEY_BYTES, publicKeyObjectFromRaw, SIGNATURE_BYTES } from "./raw-keys.ts";

/** Public KeyObjects by hex: parsing and validating a curve point costs more than hashing the message. */
const publicKeys = new LruCache<string, KeyObject>(PUBLIC_KEY_CACHE_ENTRIES_MAX);

/** A fresh ECDSA P-256 private key. */
export function p256GeneratePrivateKey(): KeyObject {
  return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
}

/** ECDSA P-256 / SHA-256 signature in IEEE P1363 form (r || s, 64 bytes). */
export function p256Sign(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return bufferToBytes(sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" }));
}

/** Checks a P-256 signature over SHA-256(message); false for any malformed input, never throws. */
export function p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== P256_PUBLIC_KEY_BYTES || publicKey[0] !== 0x04 || signature.length !== SIGNATURE_BYTES) {
    return false;
  }
  try {
    const hex = bytesToHex(publicKey);
    let key = publicKeys.get(hex);
    if (!key) {
      key = publicKeyObjectFromRaw("p256", publicKey);
      publicKeys.set(hex, key);
    }
    return verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    return false;
  }
}
