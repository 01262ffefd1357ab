import { createHash } from "node:crypto";

export const HASH_BYTES = 32;

/** SHA-256 of the concatenation of the parts. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

export const ZERO_HASH = new Uint8Array(HASH_BYTES);
