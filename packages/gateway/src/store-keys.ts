/**
 * Keys of the gateway store's `readings` and `index` tables (store.ts): a
 * reading's place is its batch (u64) then its slot (u32), big-endian, so a
 * batch's readings are one sorted range; `index-writer.mjs` writes the same.
 */

const SLOT_KEY_BYTES = 12;

/** Slots from here hold a batch's readings that were taken out (device revoked before anchoring). */
export const DROPPED_SLOT_BASE = 0x8000_0000;
export const LAST_SLOT = 0xffff_ffff;

/** Key of a reading: its batch (u64) then its slot (u32), big-endian, so a batch's readings are one sorted range. */
export function slotKey(batch: number, slot: number): Buffer {
  const key = Buffer.allocUnsafe(SLOT_KEY_BYTES);
  key.writeUInt32BE(Math.floor(batch / 2 ** 32), 0);
  key.writeUInt32BE(batch >>> 0, 4);
  key.writeUInt32BE(slot, 8);
  return key;
}

/** The place a key names. */
export function slotOfKey(key: Uint8Array): { batch: number; slot: number } {
  const b = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return { batch: b.readUInt32BE(0) * 2 ** 32 + b.readUInt32BE(4), slot: b.readUInt32BE(8) };
}

/**
 * Positions of `ids` in the order of their first 4 bytes (the index's
 * inserts in key order touch each page once). Each id becomes the number
 * prefix * 2^21 + position, exact in a double for up to 2^21 ids (a batch
 * holds at most BATCH_READINGS_MAX, 1,000,000).
 */
export function sortedByPrefix(ids: readonly Uint8Array[]): number[] {
  if (ids.length > 2 ** 21) throw new RangeError(`${ids.length} ids; at most 2^21 can be sorted this way`);
  const keys = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    keys[i] = ((id[0] << 24) | (id[1] << 16) | (id[2] << 8) | id[3]) >>> 0;
    keys[i] = keys[i] * 2 ** 21 + i;
  }
  keys.sort();
  return Array.from(keys, (k) => k % 2 ** 21);
}
