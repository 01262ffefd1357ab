import { bytesToHex, CityChainError, decode, ErrorCode, encode, leafHash } from "@citychain/protocol";
import {
  DEVICE_ID_CHARS_MAX,
  READING_BYTES_MAX,
  READING_VALUES_MAX,
  VALUE_NAME_CHARS_MAX,
  VALUE_TEXT_CHARS_MAX,
} from "./limits.ts";
import { type DeviceIdHint, decodeReadingFast, type ReadingHead, readingHeadFast } from "./reading-decoder.ts";

/** One measured value: a number (integer or float), a short text or a flag. */
export type ReadingValue = number | string | boolean;

/**
 * One reading of one device. Its bytes are the canonical CBOR of exactly
 * these four fields (map keys in canonical order, shortest integers and
 * floats): the bytes the device signs and the leaf of the batch's Merkle tree.
 */
export interface Reading {
  /** The id the device is registered under with Devices:Register. */
  deviceId: string;
  /** The device's counter, from 1, strictly increasing: the gateway refuses a seq it has seen. */
  seq: number;
  /** When the device measured, by its own clock (ms since 1970). */
  timeMs: number;
  /** Named values, e.g. {celsius: 4.5, door: "closed"}. */
  values: Record<string, ReadingValue>;
}

const READING_FIELDS = ["deviceId", "seq", "timeMs", "values"];

function invalid(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.GATEWAY_READING_INVALID }, message);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Throws GATEWAY_READING_INVALID naming the field unless `value` is a well-formed reading. */
export function checkReading(value: unknown): Reading {
  if (!isPlainObject(value)) throw invalid("a reading is a map {deviceId, seq, timeMs, values}");
  const keys = Object.keys(value);
  const extra = keys.filter((k) => !READING_FIELDS.includes(k));
  if (extra.length > 0 || keys.length !== READING_FIELDS.length) {
    throw invalid(
      `a reading has exactly the fields ${READING_FIELDS.join(", ")}${extra.length > 0 ? `; remove ${extra.join(", ")}` : ""}`,
    );
  }
  const { deviceId, seq, timeMs, values } = value;
  if (typeof deviceId !== "string" || deviceId.length === 0 || deviceId.length > DEVICE_ID_CHARS_MAX)
    throw invalid(`deviceId must be a text of 1 to ${DEVICE_ID_CHARS_MAX} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(deviceId)) throw invalid("deviceId contains a control character");
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1)
    throw invalid("seq must be a whole number from 1 (the device's counter, increasing with every reading)");
  if (typeof timeMs !== "number" || !Number.isSafeInteger(timeMs) || timeMs < 0)
    throw invalid("timeMs must be milliseconds since 1970 (a whole number)");
  if (!isPlainObject(values)) throw invalid("values must be a map of names to numbers, texts or flags");
  const names = Object.keys(values);
  if (names.length > READING_VALUES_MAX)
    throw invalid(`values has ${names.length} entries; at most ${READING_VALUES_MAX}`);
  for (const name of names) {
    if (name.length === 0 || name.length > VALUE_NAME_CHARS_MAX)
      throw invalid(`value name '${name.slice(0, 20)}' must have 1 to ${VALUE_NAME_CHARS_MAX} characters`);
    // A decoder building plain objects would take this name for the prototype, not a value.
    if (name === "__proto__") throw invalid("'__proto__' cannot name a value");
    const v = values[name];
    if (typeof v === "number") {
      // Integers beyond 2^53 are encoded as floats by the canonical encoder, so they round-trip too.
      if (!Number.isFinite(v)) throw invalid(`values.${name} must be a finite number`);
    } else if (typeof v === "string") {
      if (v.length > VALUE_TEXT_CHARS_MAX)
        throw invalid(`values.${name} is longer than ${VALUE_TEXT_CHARS_MAX} characters`);
    } else if (typeof v !== "boolean") {
      throw invalid(`values.${name} must be a number, a text or a flag`);
    }
  }
  return { deviceId, seq, timeMs, values: values as Record<string, ReadingValue> };
}

/** The canonical bytes of a reading (what the device signs). Throws GATEWAY_READING_INVALID for a malformed one. */
export function encodeReading(reading: Reading): Uint8Array {
  const checked = checkReading(reading);
  const bytes = encode({
    deviceId: checked.deviceId,
    seq: checked.seq,
    timeMs: checked.timeMs,
    values: checked.values,
  });
  if (bytes.length > READING_BYTES_MAX)
    throw invalid(`the reading encodes to ${bytes.length} bytes; at most ${READING_BYTES_MAX}: send fewer values`);
  return bytes;
}

/** The general decoder: cborg's strict decode, the re-encoding check, then the fields. */
function decodeReadingSlow(bytes: Uint8Array): Reading {
  if (bytes.length === 0 || bytes.length > READING_BYTES_MAX)
    throw invalid(`a reading is 1 to ${READING_BYTES_MAX} bytes of canonical CBOR; got ${bytes.length}`);
  let value: unknown;
  try {
    value = decode(bytes, READING_BYTES_MAX);
  } catch (e) {
    throw invalid(`the reading bytes are not canonical CBOR (encode with encodeReading): ${(e as Error).message}`);
  }
  return checkReading(value);
}

/**
 * Reads a reading's bytes: canonical CBOR only (one reading has one
 * encoding, so one id), at most READING_BYTES_MAX. Throws
 * GATEWAY_READING_INVALID saying what is wrong. The common form is read by
 * a fast path (`reading-decoder.ts`); anything else by the general decoder.
 */
export function decodeReading(bytes: Uint8Array): Reading {
  return decodeReadingFast(bytes) ?? decodeReadingSlow(bytes);
}

/**
 * What intake needs of a reading (device, seq, time), with every rule of
 * decodeReading checked. A hint of the expected device id saves making the
 * same string for every reading of a device batch.
 */
export function decodeReadingHead(bytes: Uint8Array, hint?: DeviceIdHint): ReadingHead {
  return readingHeadFast(bytes, hint) ?? decodeReadingSlow(bytes);
}

/**
 * A reading's id: the RFC 6962 leaf hash of its bytes, lower-case hex. It is
 * the reading's leaf in its batch's Merkle tree, and anyone holding the
 * bytes can compute it.
 */
export function readingIdOf(bytes: Uint8Array): string {
  return bytesToHex(leafHash(bytes));
}
