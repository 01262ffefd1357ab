import { base64ToBytes, bytesToBase64 } from "@citychain/protocol";
import type { SignedReadingBatch } from "./device-batch.ts";
import type { SignedReading } from "./device-signer.ts";
import type { ReadingBatchInput, ReadingInput } from "./intake.ts";
import { DEVICE_BATCH_READINGS_MAX, DEVICE_ID_CHARS_MAX, DEVICE_KEYS_MAX, READING_BYTES_MAX } from "./limits.ts";

/** A signed reading in a JSON request: bytes as standard base64. */
export interface SignedReadingJson {
  reading: string;
  signature: string;
  /** Which registered key of the device signed; default 0. */
  keyIndex?: number;
}

/** A device batch in a JSON request: each reading's bytes and the batch signature as standard base64. */
export interface SignedReadingBatchJson {
  deviceId: string;
  readings: string[];
  signature: string;
  /** Which registered key of the device signed; default 0. */
  keyIndex?: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
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

export function signedReadingBatchToJson(b: SignedReadingBatch): SignedReadingBatchJson {
  return {
    deviceId: b.deviceId,
    readings: b.readings.map(bytesToBase64),
    signature: bytesToBase64(b.signature),
    ...(b.keyIndex === 0 ? {} : { keyIndex: b.keyIndex }),
  };
}

/** How many readings (so answers) an element of `batches` stands for: its readings, or 1 when it has no list. */
export function readingsInBatchJson(value: unknown): number {
  const readings = (value as { readings?: unknown } | null)?.readings;
  return Array.isArray(readings) ? Math.max(1, readings.length) : 1;
}

/**
 * One element of `batches` in POST /v1/readings. The signature covers every
 * reading of the batch, so one malformed part makes the whole batch
 * unusable: each of its readings is answered GATEWAY_READING_INVALID.
 */
export function signedReadingBatchFromJson(value: unknown, i: number): ReadingBatchInput {
  const where = `batches[${i}]`;
  const readingsCount = readingsInBatchJson(value);
  const problem = (message: string): ReadingBatchInput => ({ problem: `${where}${message}`, readings: readingsCount });
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return problem(" must be {deviceId, readings, signature, keyIndex?}");
  const { deviceId, readings, signature, keyIndex } = value as Record<string, unknown>;
  if (
    typeof deviceId !== "string" ||
    deviceId.length === 0 ||
    deviceId.length > DEVICE_ID_CHARS_MAX ||
    CONTROL_CHARACTER.test(deviceId)
  )
    return problem(
      `.deviceId must be the id the device is registered under (1 to ${DEVICE_ID_CHARS_MAX} characters, no control characters)`,
    );
  if (!Array.isArray(readings) || readings.length === 0 || readings.length > DEVICE_BATCH_READINGS_MAX)
    return problem(`.readings must list 1 to ${DEVICE_BATCH_READINGS_MAX} readings (base64 of their canonical CBOR)`);
  if (typeof signature !== "string" || signature.length !== SIGNATURE_BASE64_CHARS || !BASE64.test(signature))
    return problem(
      `.signature must be the 64-byte signature of the batch root in base64 (${SIGNATURE_BASE64_CHARS} characters)`,
    );
  const index = keyIndex ?? 0;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= DEVICE_KEYS_MAX)
    return problem(`.keyIndex must be a whole number from 0 to ${DEVICE_KEYS_MAX - 1}`);
  const bytes: Uint8Array[] = new Array(readings.length);
  for (let j = 0; j < readings.length; j++) {
    const r = readings[j];
    if (typeof r !== "string" || r.length === 0 || r.length > READING_BASE64_CHARS_MAX || !BASE64.test(r))
      return problem(
        `.readings[${j}] must be a reading's canonical CBOR bytes in base64 (at most ${READING_BYTES_MAX} bytes); the batch signature covers every reading, so the batch cannot be checked`,
      );
    bytes[j] = Buffer.from(r, "base64");
  }
  return { deviceId, readings: bytes, signature: base64ToBytes(signature), keyIndex: index };
}
