import { base64ToBytes, bytesToBase64 } from "@citychain/protocol";
import type { SignedReading } from "./device-signer.ts";
import type { ReadingInput } from "./intake.ts";
import { DEVICE_KEYS_MAX, READING_BYTES_MAX } from "./limits.ts";

/** A signed reading in a JSON request: bytes as standard base64. */
export interface SignedReadingJson {
  reading: string;
  signature: string;
  /** Which registered key of the device signed; default 0. */
  keyIndex?: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Base64 characters of the largest reading. */
const READING_BASE64_CHARS_MAX = Math.ceil(READING_BYTES_MAX / 3) * 4;
/** Both algorithms sign in 64 bytes (P-256 as r || s). */
const SIGNATURE_BASE64_CHARS = 88;

export function signedReadingToJson(s: SignedReading): SignedReadingJson {
  return {
    reading: bytesToBase64(s.reading),
    signature: bytesToBase64(s.signature),
    ...(s.keyIndex === 0 ? {} : { keyIndex: s.keyIndex }),
  };
}

/**
 * One element of `readings` in POST /v1/readings. A malformed element is
 * not a failed request: it comes back as that reading's
 * GATEWAY_READING_INVALID answer, the others are still decided.
 */
export function signedReadingFromJson(value: unknown, i: number): ReadingInput {
  const where = `readings[${i}]`;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { problem: `${where} must be {reading, signature, keyIndex?}` };
  const { reading, signature, keyIndex } = value as Record<string, unknown>;
  if (typeof reading !== "string" || reading.length > READING_BASE64_CHARS_MAX || !BASE64.test(reading))
    return {
      problem: `${where}.reading must be the reading's canonical CBOR bytes in base64 (at most ${READING_BYTES_MAX} bytes)`,
    };
  if (typeof signature !== "string" || signature.length !== SIGNATURE_BASE64_CHARS || !BASE64.test(signature))
    return {
      problem: `${where}.signature must be the 64-byte signature in base64 (${SIGNATURE_BASE64_CHARS} characters)`,
    };
  const index = keyIndex ?? 0;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= DEVICE_KEYS_MAX)
    return { problem: `${where}.keyIndex must be a whole number from 0 to ${DEVICE_KEYS_MAX - 1}` };
  return { reading: base64ToBytes(reading), signature: base64ToBytes(signature), keyIndex: index };
}
