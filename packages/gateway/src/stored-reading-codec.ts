import { bytesToHex, CityChainError, ErrorCode, type SignatureAlgorithm } from "@citychain/protocol";
import { decodeReadingHead } from "./reading.ts";
import type { StoredReading } from "./records.ts";

/**
 * The stored form of an accepted reading: a fixed header then the variable
 * parts. Written for every reading on the intake path, so it is a plain
 * binary layout rather than CBOR (a CBOR map cost about as much as
 * everything else the gateway does per reading but the signature check).
 *
 *   0 version (2)   1 alg (0 Ed25519, 1 P-256)   2 keyIndex   3 public key length
 *   4 reading length (u16)   6 signature length   7 form (0 single, 1 in a device batch)
 *   8 batch (f64)   16 index (f64, -1 when taken out)   24 receivedMs (f64)
 *   32 keyTxId (32 bytes)   64 id (32 bytes: the leaf hash, so a batch's leaves are read back in order)
 *   96 device batch number (f64, 0 for a single reading)   104 index in the device batch (u32)   108 zero (u32)
 *   112 public key || signature || reading
 *
 * A reading of a device batch is stored without key and signature (lengths
 * 0): they are the batch's, in its DeviceBatchRecord, and the store fills
 * them in when it reads the reading back.
 */
const VERSION = 2;
const HEADER_BYTES = 112;
const ALGS: readonly SignatureAlgorithm[] = ["ed25519", "p256"];
const EMPTY = new Uint8Array(0);

/** The last key transaction id written, as bytes: consecutive readings are mostly of one device. */
let lastKeyTxId = "";
let lastKeyTxIdBytes = new Uint8Array(32);

function keyTxIdBytes(hex: string): Uint8Array {
  if (hex !== lastKeyTxId) {
    lastKeyTxIdBytes = Buffer.from(hex, "hex");
    if (lastKeyTxIdBytes.length !== 32) throw new TypeError(`key transaction id ${hex} is not 32 bytes of hex`);
    lastKeyTxId = hex;
  }
  return lastKeyTxIdBytes;
}

/** Where a stored reading keeps its id (its leaf hash). */
export const STORED_READING_ID_OFFSET = 64;

/** Bytes of a reading's stored form. */
export function storedReadingBytes(r: StoredReading): number {
  const batched = r.deviceBatch !== undefined;
  return HEADER_BYTES + (batched ? 0 : r.publicKey.length + r.signature.length) + r.bytes.length;
}

/** Writes a reading's stored form into `out` at `at` (storedReadingBytes(r) bytes); returns the end. */
export function writeStoredReading(r: StoredReading, id: Uint8Array, out: Buffer, at: number): number {
  const batched = r.deviceBatch !== undefined;
  const publicKey = batched ? EMPTY : r.publicKey;
  const signature = batched ? EMPTY : r.signature;
  out.fill(0, at + 96, at + HEADER_BYTES);
  out[at] = VERSION;
  out[at + 1] = ALGS.indexOf(r.alg);
  out[at + 2] = r.keyIndex;
  out[at + 3] = publicKey.length;
  out.writeUInt16BE(r.bytes.length, at + 4);
  out[at + 6] = signature.length;
  out[at + 7] = batched ? 1 : 0;
  out.writeDoubleBE(r.batch, at + 8);
  out.writeDoubleBE(r.index, at + 16);
  out.writeDoubleBE(r.receivedMs, at + 24);
  out.set(keyTxIdBytes(r.keyTxId), at + 32);
  out.set(id, at + STORED_READING_ID_OFFSET);
  if (r.deviceBatch) {
    out.writeDoubleBE(r.deviceBatch.no, at + 96);
    out.writeUInt32BE(r.deviceBatch.index, at + 104);
  }
  let end = at + HEADER_BYTES;
  out.set(publicKey, end);
  end += publicKey.length;
  out.set(signature, end);
  end += signature.length;
  out.set(r.bytes, end);
  return end + r.bytes.length;
}

export function encodeStoredReading(r: StoredReading, id: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(storedReadingBytes(r));
  writeStoredReading(r, id, out, 0);
  return out;
}

function damaged(): never {
  throw new CityChainError(
    { code: ErrorCode.GATEWAY_STORE_INVALID },
    "gateway store: a stored reading has an unknown layout; the data directory is damaged or from another version",
  );
}

/** The id (leaf hash) a stored reading carries, without decoding the rest. */
export function storedReadingId(raw: Uint8Array): Uint8Array {
  if (raw.length < HEADER_BYTES || raw[0] !== VERSION) damaged();
  return new Uint8Array(raw.subarray(STORED_READING_ID_OFFSET, STORED_READING_ID_OFFSET + 32));
}

/**
 * Reads a stored reading back. For a reading of a device batch, `signature`
 * and `publicKey` are empty: the store takes them from the batch's record.
 */
export function decodeStoredReading(raw: Uint8Array): StoredReading {
  if (raw.length < HEADER_BYTES) damaged();
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const pkLength = raw[3];
  const readingLength = view.getUint16(4);
  const sigLength = raw[6];
  const form = raw[7];
  if (
    raw[0] !== VERSION ||
    raw.length !== HEADER_BYTES + pkLength + sigLength + readingLength ||
    ALGS[raw[1]] === undefined ||
    form > 1 ||
    (form === 1 && pkLength + sigLength !== 0)
  ) {
    damaged();
  }
  // Copies as plain Uint8Arrays (lmdb-js hands out Buffers, and their `slice` shares memory).
  const publicKey = new Uint8Array(raw.subarray(HEADER_BYTES, HEADER_BYTES + pkLength));
  const signature = new Uint8Array(raw.subarray(HEADER_BYTES + pkLength, HEADER_BYTES + pkLength + sigLength));
  const bytes = new Uint8Array(raw.subarray(HEADER_BYTES + pkLength + sigLength));
  let head: { deviceId: string; seq: number };
  try {
    head = decodeReadingHead(bytes);
  } catch {
    damaged();
  }
  return {
    bytes,
    signature,
    keyIndex: raw[2],
    deviceId: head.deviceId,
    seq: head.seq,
    alg: ALGS[raw[1]],
    publicKey,
    keyTxId: bytesToHex(raw.subarray(32, 64)),
    batch: view.getFloat64(8),
    index: view.getFloat64(16),
    receivedMs: view.getFloat64(24),
    ...(form === 1 ? { deviceBatch: { no: view.getFloat64(96), index: view.getUint32(104) } } : {}),
  };
}
