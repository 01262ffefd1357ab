import {
  DEVICE_ID_CHARS_MAX,
  READING_BYTES_MAX,
  READING_VALUES_MAX,
  VALUE_NAME_CHARS_MAX,
  VALUE_TEXT_CHARS_MAX,
} from "./limits.ts";
import type { Reading, ReadingValue } from "./reading.ts";

/**
 * The fast path of reading decoding: a hand-written reader of the one
 * layout a canonical reading has, for the intake path (the general decoder,
 * cborg's strict decode then a re-encoding to compare bytes, costs about
 * 7 µs a reading; this about 0.5 µs).
 *
 * It only ever accepts bytes the general decoder accepts, with the same
 * value: anything it does not recognise as canonical (non-ASCII text, a
 * refusal, an unusual encoding) makes it answer `undefined`, and the caller
 * falls back to the general decoder, which refuses with a message or
 * accepts. Property tests check both directions against the general decoder
 * (`test/reading-decoder.test.ts`).
 *
 * The layout, canonical CBOR (RFC 8949 4.2.3 "length-first" key order, as
 * cborg encodes): a4 | 63 "seq" uint | 66 "timeMs" uint | 66 "values" map |
 * 68 "deviceId" text, with shortest integer and length heads, floats in the
 * shortest of half, single and double that holds the value exactly (never
 * for a safe integer), value names in length-first then byte order.
 */

/** A reading's head: what intake needs to decide it (its values are checked, not built). */
export interface ReadingHead {
  deviceId: string;
  seq: number;
  timeMs: number;
}

const KEY_SEQ = [0x63, 0x73, 0x65, 0x71];
const KEY_TIME_MS = [0x66, 0x74, 0x69, 0x6d, 0x65, 0x4d, 0x73];
const KEY_VALUES = [0x66, 0x76, 0x61, 0x6c, 0x75, 0x65, 0x73];
const KEY_DEVICE_ID = [0x68, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x49, 0x64];
/** "__proto__": a name a plain object cannot hold as a value (the general path refuses it). */
const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f];
const TWO_32 = 2 ** 32;
/** Upper 32 bits of Number.MAX_SAFE_INTEGER. */
const SAFE_HIGH_MAX = 0x1fffff;

const floatBytes = new Uint8Array(8);
const floatView = new DataView(floatBytes.buffer);
/** 2^(e - 25) for a half float's exponent field e (0 to 30). */
const HALF_SCALE = Float64Array.from({ length: 31 }, (_, e) => 2 ** (e - 25));

/** Decoder position; the decoder is synchronous and not re-entered. */
let pos = 0;
/** Text positions of the last `text()` (bytes [textStart, pos)). */
let textStart = 0;

function expect(b: Uint8Array, bytes: readonly number[]): boolean {
  if (pos + bytes.length > b.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[pos + i] !== bytes[i]) return false;
  pos += bytes.length;
  return true;
}

/** The argument of a head whose major type was checked; -1 for non-shortest, unsafe or truncated. */
function argument(b: Uint8Array, minor: number): number {
  if (minor < 24) return minor;
  const n = b.length;
  if (minor === 24) {
    if (pos + 1 > n) return -1;
    const v = b[pos];
    pos += 1;
    return v >= 24 ? v : -1;
  }
  if (minor === 25) {
    if (pos + 2 > n) return -1;
    const v = (b[pos] << 8) | b[pos + 1];
    pos += 2;
    return v >= 0x100 ? v : -1;
  }
  if (minor === 26) {
    if (pos + 4 > n) return -1;
    const v = b[pos] * 0x1000000 + ((b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3]);
    pos += 4;
    return v >= 0x10000 ? v : -1;
  }
  if (minor === 27) {
    if (pos + 8 > n) return -1;
    const high = b[pos] * 0x1000000 + ((b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3]);
    const low = b[pos + 4] * 0x1000000 + ((b[pos + 5] << 16) | (b[pos + 6] << 8) | b[pos + 7]);
    pos += 8;
    if (high === 0 || high > SAFE_HIGH_MAX) return -1;
    return high * TWO_32 + low;
  }
  return -1;
}

/** An unsigned integer item; -1 when not one (or not canonical, or beyond 2^53 - 1). */
function uint(b: Uint8Array): number {
  if (pos >= b.length) return -1;
  const ib = b[pos++];
  if (ib >> 5 !== 0) return -1;
  return argument(b, ib & 0x1f);
}

/**
 * A text item of ASCII characters with no control character, of at most
 * `maxChars`; sets textStart and returns its length, or -1.
 */
function text(b: Uint8Array, maxChars: number): number {
  if (pos >= b.length) return -1;
  const ib = b[pos++];
  if (ib >> 5 !== 3) return -1;
  const len = argument(b, ib & 0x1f);
  if (len < 0 || len > maxChars || pos + len > b.length) return -1;
  for (let i = pos; i < pos + len; i++) {
    const c = b[i];
    if (c < 0x20 || c >= 0x7f) return -1;
  }
  textStart = pos;
  pos += len;
  return len;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString("latin1");
}

/** cborg's half-float encoding of `v` (a port of its encodeFloat16), as 16 bits. */
function halfBitsOf(v: number): number {
  floatView.setFloat32(0, v);
  const bits = floatView.getUint32(0);
  const exponent = (bits & 0x7f800000) >> 23;
  const mantissa = bits & 0x7fffff;
  const sign = (bits >>> 16) & 0x8000;
  if (exponent === 0xff) return 0x7c00;
  // cborg takes the sign from `inp & 0x80000000` here, which is 0 for every value this small.
  if (exponent === 0) return mantissa >> 13;
  const logical = exponent - 127;
  if (logical < -24) return 0;
  if (logical < -14) return sign | (1 << (24 + logical));
  return sign | (((logical + 15) << 10) & 0xffff) | (mantissa >> 13);
}

/** cborg's half-float reading (a port of its readFloat16). */
function halfValueOf(half: number): number {
  const exp = (half >> 10) & 0x1f;
  const mant = half & 0x3ff;
  const val = exp === 0 ? mant * 2 ** -24 : (mant + 1024) * HALF_SCALE[exp];
  return half & 0x8000 ? -val : val;
}

/** True when cborg would encode `v` as a half float (it tries half, then single, then double). */
function isHalf(v: number): boolean {
  return halfValueOf(halfBitsOf(v)) === v;
}

/**
 * A value item: a safe integer, a finite float in its shortest exact form
 * (not a safe integer: those are integers), a boolean or a short ASCII
 * text. Returns the value, or undefined when not such an item.
 */
function value(b: Uint8Array, build: boolean): ReadingValue | undefined {
  if (pos >= b.length) return undefined;
  const ib = b[pos];
  const major = ib >> 5;
  if (major === 0) {
    const v = uint(b);
    return v < 0 ? undefined : v;
  }
  if (major === 1) {
    pos++;
    const n = argument(b, ib & 0x1f);
    // -1 - n must stay a safe integer (cborg encodes larger magnitudes as floats).
    return n < 0 || n >= Number.MAX_SAFE_INTEGER ? undefined : -1 - n;
  }
  if (major === 3) {
    const len = text(b, VALUE_TEXT_CHARS_MAX);
    if (len < 0) return undefined;
    return build ? ascii(b, textStart, pos) : "";
  }
  if (ib === 0xf4 || ib === 0xf5) {
    pos++;
    return ib === 0xf5;
  }
  let v: number;
  if (ib === 0xf9) {
    if (pos + 3 > b.length) return undefined;
    const half = (b[pos + 1] << 8) | b[pos + 2];
    if (((half >> 10) & 0x1f) === 0x1f) return undefined;
    v = halfValueOf(half);
    if (halfBitsOf(v) !== half) return undefined;
    pos += 3;
  } else if (ib === 0xfa) {
    if (pos + 5 > b.length) return undefined;
    floatView.setUint32(0, b[pos + 1] * 0x1000000 + ((b[pos + 2] << 16) | (b[pos + 3] << 8) | b[pos + 4]));
    v = floatView.getFloat32(0);
    if (!Number.isFinite(v) || isHalf(v)) return undefined;
    pos += 5;
  } else if (ib === 0xfb) {
    if (pos + 9 > b.length) return undefined;
    for (let i = 0; i < 8; i++) floatBytes[i] = b[pos + 1 + i];
    v = floatView.getFloat64(0);
    if (!Number.isFinite(v) || isHalf(v) || Math.fround(v) === v) return undefined;
    pos += 9;
  } else {
    return undefined;
  }
  return Number.isSafeInteger(v) ? undefined : v;
}

/** True when name [aStart, aEnd) sorts strictly before [bStart, bEnd): shorter first, then by bytes. */
function nameBefore(b: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const la = aEnd - aStart;
  const lb = bEnd - bStart;
  if (la !== lb) return la < lb;
  for (let i = 0; i < la; i++) {
    const d = b[aStart + i] - b[bStart + i];
    if (d !== 0) return d < 0;
  }
  return false;
}

function isProto(b: Uint8Array, start: number, end: number): boolean {
  if (end - start !== PROTO.length) return false;
  for (let i = 0; i < PROTO.length; i++) if (b[start + i] !== PROTO[i]) return false;
  return true;
}

/** A device id expected in the readings (a batch's): equal bytes give back this string, no new one. */
export interface DeviceIdHint {
  id: string;
  bytes: Uint8Array;
}

function parse(
  b: Uint8Array,
  values: Record<string, ReadingValue> | undefined,
  hint?: DeviceIdHint,
): ReadingHead | undefined {
  if (b.length === 0 || b.length > READING_BYTES_MAX || b[0] !== 0xa4) return undefined;
  pos = 1;
  if (!expect(b, KEY_SEQ)) return undefined;
  const seq = uint(b);
  if (seq < 1) return undefined;
  if (!expect(b, KEY_TIME_MS)) return undefined;
  const timeMs = uint(b);
  if (timeMs < 0 || !expect(b, KEY_VALUES) || pos >= b.length) return undefined;
  const mapHead = b[pos++];
  if (mapHead >> 5 !== 5) return undefined;
  const count = argument(b, mapHead & 0x1f);
  if (count < 0 || count > READING_VALUES_MAX) return undefined;
  let prevStart = 0;
  let prevEnd = 0;
  for (let i = 0; i < count; i++) {
    const len = text(b, VALUE_NAME_CHARS_MAX);
    if (len < 1) return undefined;
    const start = textStart;
    const end = pos;
    if (i > 0 && !nameBefore(b, prevStart, prevEnd, start, end)) return undefined;
    if (isProto(b, start, end)) return undefined;
    const v = value(b, values !== undefined);
    if (v === undefined) return undefined;
    if (values) values[ascii(b, start, end)] = v;
    prevStart = start;
    prevEnd = end;
  }
  if (!expect(b, KEY_DEVICE_ID)) return undefined;
  const idLength = text(b, DEVICE_ID_CHARS_MAX);
  if (idLength < 1 || pos !== b.length) return undefined;
  const deviceId = hint && sameBytes(b, textStart, hint.bytes) ? hint.id : ascii(b, textStart, pos);
  return { deviceId, seq, timeMs };
}

function sameBytes(b: Uint8Array, start: number, expected: Uint8Array): boolean {
  if (b.length - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[start + i] !== expected[i]) return false;
  return true;
}

/** The reading, when `bytes` are a canonical reading in the common form; undefined means "ask the general decoder". */
export function decodeReadingFast(bytes: Uint8Array): Reading | undefined {
  const values: Record<string, ReadingValue> = {};
  const head = parse(bytes, values);
  return head ? { deviceId: head.deviceId, seq: head.seq, timeMs: head.timeMs, values } : undefined;
}

/** Like decodeReadingFast, checking the values without building them. */
export function readingHeadFast(bytes: Uint8Array, hint?: DeviceIdHint): ReadingHead | undefined {
  return parse(bytes, undefined, hint);
}
