import { decode as cborDecode, encode as cborEncode } from "cborg";
import { bytesEqual } from "./bytes.ts";
import { CityChainError, ErrorCode } from "./errors.ts";

/**
 * Deterministic CBOR. cborg encodes maps with keys in canonical order and
 * integers in their shortest form; decoding is strict (no indefinite lengths,
 * no undefined, no duplicate keys, minimal integers) and we re-encode to make
 * sure the bytes are the canonical ones, so one value has exactly one encoding
 * and hashes of encodings are stable across nodes.
 */
const DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  useMaps: false,
} as const;

export function encode(value: unknown): Uint8Array {
  return cborEncode(value);
}

/**
 * Decodes canonical CBOR. Throws ENCODING_TOO_LARGE before parsing anything
 * larger than maxBytes, ENCODING_INVALID for bytes that are not CBOR and
 * ENCODING_NON_CANONICAL for CBOR that is not in canonical form.
 */
export function decode(bytes: Uint8Array, maxBytes: number): unknown {
  if (bytes.length > maxBytes) {
    throw new CityChainError(
      { code: ErrorCode.ENCODING_TOO_LARGE },
      `encoded value is ${bytes.length} bytes, over the limit of ${maxBytes}`,
    );
  }
  let value: unknown;
  try {
    value = cborDecode(bytes, DECODE_OPTIONS);
  } catch (e) {
    throw new CityChainError({ code: ErrorCode.ENCODING_INVALID }, `bytes are not valid CBOR: ${(e as Error).message}`);
  }
  let again: Uint8Array;
  try {
    again = cborEncode(value);
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.ENCODING_INVALID },
      `decoded value cannot be re-encoded: ${(e as Error).message}`,
    );
  }
  if (!bytesEqual(again, bytes)) {
    throw new CityChainError(
      { code: ErrorCode.ENCODING_NON_CANONICAL },
      "bytes are CBOR but not in canonical form (map key order, shortest integers, definite lengths)",
    );
  }
  return value;
}
