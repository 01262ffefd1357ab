import { bytesToUint64 } from "@citychain/protocol";
import { META_KEYS } from "./keys.ts";
import type { BytesDb } from "./stores.ts";

/**
 * Latest committed height, or -1 when genesis has not been written. Inside a
 * write transaction this reads the transaction's own view, which is what
 * makes the height check of a commit exact even when commits overlap.
 */
export function readLatestHeight(meta: BytesDb): number {
  const raw = meta.get(META_KEYS.latestHeight);
  return raw === undefined ? -1 : bytesToUint64(raw);
}

/** A copy of a stored value as a plain Uint8Array (lmdb-js hands out Buffers). */
export function copyBytes(b: Uint8Array | undefined): Uint8Array | undefined {
  return b === undefined ? undefined : new Uint8Array(b);
}
