import { ErrorCode } from "@citychain/protocol";
import { KEY_PART_CHARS_MAX } from "../limits.ts";
import { appError } from "./errors.ts";

/**
 * Object types of the composite keys the contracts write (Fabric's
 * `U+0000 type U+0000 attr ... U+0000` format). Records:
 * product [gtin], batch [gtin, lot], item [gtin, serial], unit [epcKey]
 * (custody and containment of one physical thing), child [parent, child],
 * holding [batchKey, org], event [hashHex], device [id], gateway [id],
 * anchor [gateway, seq], series [batchKey, deviceId].
 * Event indexes, each ending in [time, hashHex] so a range is in time order:
 * ev.epc [epcKey], ev.step [bizStep], ev.disp [disposition],
 * ev.loc [bizLocation], ev.rp [readPoint], ev.time [].
 */
export const KeyType = {
  product: "product",
  batch: "batch",
  item: "item",
  unit: "unit",
  child: "child",
  holding: "holding",
  event: "event",
  device: "device",
  gateway: "gateway",
  anchor: "anchor",
  series: "series",
  byEpc: "ev.epc",
  byStep: "ev.step",
  byDisposition: "ev.disp",
  byBizLocation: "ev.loc",
  byReadPoint: "ev.rp",
  byTime: "ev.time",
} as const;

/** Digits of a time key part: milliseconds since 1970 up to the year 33658, so text order is time order. */
const TIME_DIGITS = 15;

/** A non-negative millisecond time as a fixed-width key part. */
export function timeKeyPart(ms: number): string {
  return String(ms).padStart(TIME_DIGITS, "0");
}

/** True for a key part written by `timeKeyPart`. */
export function isTimeKeyPart(part: string): boolean {
  return part.length === TIME_DIGITS && /^\d+$/.test(part);
}

/** A sequence number as a fixed-width key part (12 digits). */
export function seqKeyPart(seq: number): string {
  return String(seq).padStart(12, "0");
}

/**
 * Checks a value that becomes part of a key: not empty, at most
 * KEY_PART_CHARS_MAX characters, no control characters (U+0000 separates
 * composite key parts). `what` names the value for the message.
 */
export function checkKeyPart(value: string, what: string): string {
  if (value.length === 0) throw appError(ErrorCode.APP_ARGS_INVALID, `${what} is empty`);
  if (value.length > KEY_PART_CHARS_MAX) {
    throw appError(ErrorCode.APP_LIMIT_EXCEEDED, `${what} is longer than ${KEY_PART_CHARS_MAX} characters`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw appError(ErrorCode.APP_ARGS_INVALID, `${what} contains a control character`);
  return value;
}
