import { bytesToHex, CityChainError, ErrorCode, hexToBytes, type SignatureAlgorithm } from "@citychain/protocol";
import { decodeReading } from "./reading.ts";
import type { StoredReading } from "./records.ts";

/**
 * The stored form of an accepted reading: a fixed 64-byte header then the
 * variable parts. Written for every reading on the intake path, so it is a
 * plain binary layout rather than CBOR (a CBOR map cost about as much as
 * everything else the gateway does per reading but the signature check).
 *
 *   0 version (1)   1 alg (0 Ed25519, 1 P-256)   2 keyIndex   3 public key length
 *   4 reading length (u16)   6 signature length   7 zero
 *   8 batch (f64)   16 index (f64, -1 when taken out)   24 receivedMs (f64)
 *   32 keyTxId (32 bytes)   64 public key || signature || reading
 */
const VERSION = 1;
const HEADER_BYTES = 64;
const ALGS: readonly SignatureAlgorithm[] = ["ed25519", "p256"];

export function encodeStoredReading(r: StoredReading): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + r.publicKey.length + r.signature.length + r.bytes.length);
  const view = new DataView(out.buffer);
  out[0] = VERSION;
  out[1] = ALGS.indexOf(r.alg);
  out[2] = r.keyIndex;
  out[3] = r.publicKey.length;
  view.setUint16(4, r.bytes.length);
  out[6] = r.signature.length;
  view.setFloat64(8, r.batch);
  view.setFloat64(16, r.index);
  view.setFloat64(24, r.receivedMs);
  out.set(hexToBytes(r.keyTxId), 32);
  out.set(r.publicKey, HEADER_BYTES);
  out.set(r.signature, HEADER_BYTES + r.publicKey.length);
  out.set(r.bytes, HEADER_BYTES + r.publicKey.length + r.signature.length);
  return out;
}

export function decodeStoredReading(raw: Uint8Array): StoredReading {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const pkLength = raw[3];
  const readingLength = raw.length >= HEADER_BYTES ? view.getUint16(4) : 0;
  const sigLength = raw[6];
  if (
    raw[0] !== VERSION ||
    raw.length !== HEADER_BYTES + pkLength + sigLength + readingLength ||
    ALGS[raw[1]] === undefined
  ) {
    throw new CityChainError(
      { code: ErrorCode.GATEWAY_STORE_INVALID },
      "gateway store: a stored reading has an unknown layout; the data directory is damaged or from another version",
    );
  }
  // Copies as plain Uint8Arrays (lmdb-js hands out Buffers, and their `slice` shares memory).
  const publicKey = new Uint8Array(raw.subarray(HEADER_BYTES, HEADER_BYTES + pkLength));
  const signature = new Uint8Array(raw.subarray(HEADER_BYTES + pkLength, HEADER_BYTES + pkLength + sigLength));
  const bytes = new Uint8Array(raw.subarray(HEADER_BYTES + pkLength + sigLength));
  const reading = decodeReading(bytes);
  return {
    bytes,
    signature,
    keyIndex: raw[2],
    deviceId: reading.deviceId,
    seq: reading.seq,
    alg: ALGS[raw[1]],
    publicKey,
    keyTxId: bytesToHex(raw.subarray(32, 64)),
    batch: view.getFloat64(8),
    index: view.getFloat64(16),
    receivedMs: view.getFloat64(24),
  };
}
