import { CityChainError, ErrorCode } from "@citychain/protocol";
import type { StoredReading } from "./records.ts";
import { storedReadingBytes, writeStoredReading } from "./stored-reading-codec.ts";

/**
 * Stored readings of consecutive leaves of one batch, in one LMDB value: a
 * request's accepted readings cost one put, not one each (a put with its
 * key encoding and B-tree walk cost about as much as decoding a reading).
 *
 *   count (u32) | end offset of each record (u32, from the first record) | records
 *
 * Each record is a stored reading (`stored-reading-codec.ts`).
 */

/** Readings of one chunk written when a batch is rewritten (a request's chunk holds what the request brought). */
export const CHUNK_READINGS_MAX = 1_000;

export function encodeReadingChunk(readings: readonly { id: Uint8Array; reading: StoredReading }[]): Uint8Array {
  const head = 4 + 4 * readings.length;
  let size = head;
  for (const { reading } of readings) size += storedReadingBytes(reading);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(readings.length, 0);
  let at = head;
  readings.forEach(({ id, reading }, j) => {
    at = writeStoredReading(reading, id, out, at);
    out.writeUInt32BE(at - head, 4 + 4 * j);
  });
  return out;
}

function damaged(): never {
  throw new CityChainError(
    { code: ErrorCode.GATEWAY_STORE_INVALID },
    "gateway store: a chunk of stored readings has an unknown layout; the data directory is damaged",
  );
}

/** Readings a chunk holds. */
export function chunkCount(chunk: Uint8Array): number {
  if (chunk.length < 4) damaged();
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const count = view.getUint32(0);
  if (chunk.length < 4 + 4 * count) damaged();
  return count;
}

/** Record `j` of a chunk (a view into it). */
export function chunkRecord(chunk: Uint8Array, j: number): Uint8Array {
  const count = chunkCount(chunk);
  if (j < 0 || j >= count) damaged();
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const head = 4 + 4 * count;
  const start = head + (j === 0 ? 0 : view.getUint32(4 + 4 * (j - 1)));
  const end = head + view.getUint32(4 + 4 * j);
  if (end < start || end > chunk.length) damaged();
  return chunk.subarray(start, end);
}
