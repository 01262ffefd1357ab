import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { CityChainError, ErrorCode } from "@citychain/protocol";

/** AES-256-GCM key length, nonce length and tag length, in bytes. */
export const SEAL_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh random key for `seal` (a node keeps one for its private store). */
export function generateSealKey(): Uint8Array {
  return new Uint8Array(randomBytes(SEAL_KEY_BYTES));
}

function checkKey(key: Uint8Array): void {
  if (key.length !== SEAL_KEY_BYTES) {
    throw new CityChainError(
      { code: ErrorCode.KEY_UNSUPPORTED },
      `a seal key is ${SEAL_KEY_BYTES} bytes, got ${key.length}`,
    );
  }
}

/**
 * Encrypts and authenticates `plaintext` with AES-256-GCM under `key`,
 * binding `aad` (where the value lives), so a sealed value moved to another
 * key does not open. Output: nonce || ciphertext || tag.
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()]));
}

/** Opens what `seal` made. A value that does not authenticate means a damaged store or key file: INTERNAL. */
export function unseal(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  checkKey(key);
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new CityChainError({ code: ErrorCode.INTERNAL }, "a sealed value is shorter than its nonce and tag");
  }
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return new Uint8Array(
      Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]),
    );
  } catch {
    throw new CityChainError(
      { code: ErrorCode.INTERNAL },
      "a sealed private value does not open with this node's key (the store or its key file was changed)",
    );
  }
}
