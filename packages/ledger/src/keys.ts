import { CityChainError, concatBytes, ErrorCode, uint64ToBytes, utf8ToBytes } from "@citychain/protocol";
import { STATE_KEY_BYTES_MAX } from "./limits.ts";

/**
 * Key layouts. Every key is raw bytes compared by memcmp, so numbers are
 * big-endian and fixed width: byte order is numeric order.
 */

/** Key of every per-height store: the height as u64 big-endian. */
export function heightKey(height: number): Uint8Array {
  return uint64ToBytes(height);
}

/** Keys of the meta store. */
export const META_KEYS = {
  latestHeight: utf8ToBytes("latestHeight"),
  latestBlockHash: utf8ToBytes("latestBlockHash"),
  latestTimeMs: utf8ToBytes("latestTimeMs"),
  appHash: utf8ToBytes("appHash"),
  genesisHash: utf8ToBytes("genesisHash"),
} as const;

/** Throws LEDGER_KEY_INVALID for a key LMDB cannot store or our history layout cannot hold. */
export function checkStateKey(key: Uint8Array): void {
  if (key.length === 0 || key.length > STATE_KEY_BYTES_MAX) {
    throw new CityChainError(
      { code: ErrorCode.LEDGER_KEY_INVALID },
      `state keys must be 1 to ${STATE_KEY_BYTES_MAX} bytes, got ${key.length}`,
    );
  }
}

const HISTORY_SUFFIX_BYTES = 8 + 4;

/**
 * Prefix shared by all history entries of one state key: u16 length || key.
 * The length prefix is what keeps a per-key scan exact: without it the
 * entries of key "ab" would sit inside the range of key "a" (both start with
 * "a"), and with a separator byte instead a key containing that byte could
 * collide. Entries of keys of different lengths never interleave.
 */
export function historyKeyPrefix(key: Uint8Array): Uint8Array {
  const len = new Uint8Array(2);
  new DataView(len.buffer).setUint16(0, key.length);
  return concatBytes(len, key);
}

/** History key: u16 length || key || height u64 || txIndex u32. Sorts by key, then height, then index. */
export function historyKey(key: Uint8Array, height: number, txIndex: number): Uint8Array {
  // One allocation and no BigInt: this runs for every state write of every block.
  const out = new Uint8Array(2 + key.length + HISTORY_SUFFIX_BYTES);
  const view = new DataView(out.buffer);
  view.setUint16(0, key.length);
  out.set(key, 2);
  const at = 2 + key.length;
  view.setUint32(at, Math.floor(height / 2 ** 32));
  view.setUint32(at + 4, height >>> 0);
  view.setUint32(at + 8, txIndex);
  return out;
}

/** Splits a history key into its height and tx index (the state key is known to the caller). */
export function parseHistoryKeySuffix(historyKeyBytes: Uint8Array): { height: number; txIndex: number } {
  const view = new DataView(historyKeyBytes.buffer, historyKeyBytes.byteOffset, historyKeyBytes.byteLength);
  const at = historyKeyBytes.length - HISTORY_SUFFIX_BYTES;
  return { height: Number(view.getBigUint64(at)), txIndex: view.getUint32(at + 8) };
}

/**
 * The smallest key greater than every key that starts with `prefix`, or
 * undefined when no such key exists (the prefix is all 0xff bytes).
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i] += 1;
      return out;
    }
  }
  return undefined;
}
