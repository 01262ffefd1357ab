import { ErrorCode } from "@citychain/protocol";
import { ANCHOR_DEVICES_MAX, ANCHOR_READINGS_MAX, FUTURE_SKEW_MS } from "../limits.ts";
import { isPlainObject } from "../shared/args.ts";
import { appError } from "../shared/errors.ts";
import { deviceIdArg } from "./device-store.ts";

/** Readings a gateway refused, by reason (they are counted, never anchored). */
export interface RejectedCounts {
  unknownDevice: number;
  revoked: number;
  badSignature: number;
  replayed: number;
}

/**
 * One batch of readings a gateway anchors: the RFC 6962 Merkle root of the
 * readings' canonical bytes, how many, their time span, the devices that
 * sent them, and what was refused. The readings stay off chain; a reading
 * is proven later by its bytes, device signature, Merkle path to `root`,
 * and the proof of the anchoring transaction.
 */
export interface AnchorBatch {
  root: string;
  count: number;
  fromMs: number;
  toMs: number;
  devices: string[];
  rejected: RejectedCounts;
}

function invalid(field: string, message: string): Error {
  return appError(ErrorCode.TELEMETRY_ANCHOR_INVALID, `batchJson ${field}: ${message}`);
}

function count(value: unknown, field: string, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw invalid(field, `must be a whole number from 0 to ${max}`);
  }
  return value;
}

/** Checks a batch against its schema and block time (no reading may end in the future). */
export function parseAnchorBatch(json: unknown, nowMs: number): AnchorBatch {
  if (!isPlainObject(json)) throw invalid("(root)", "must be a JSON object");
  if (typeof json.root !== "string" || !/^[0-9a-f]{64}$/.test(json.root))
    throw invalid("root", "must be 64 lower-case hex digits (a SHA-256 Merkle root)");
  const readings = count(json.count, "count", ANCHOR_READINGS_MAX);
  if (readings === 0) throw invalid("count", "an anchor covers at least one reading");
  const fromMs = count(json.fromMs, "fromMs", Number.MAX_SAFE_INTEGER);
  const toMs = count(json.toMs, "toMs", Number.MAX_SAFE_INTEGER);
  if (toMs < fromMs) throw invalid("toMs", `${toMs} is before fromMs ${fromMs}`);
  if (toMs > nowMs + FUTURE_SKEW_MS)
    throw invalid("toMs", `${toMs} is after block time ${nowMs} (more than ${FUTURE_SKEW_MS} ms ahead)`);
  const devices = json.devices;
  if (!Array.isArray(devices) || devices.length === 0 || devices.length > ANCHOR_DEVICES_MAX) {
    throw invalid("devices", `must list 1 to ${ANCHOR_DEVICES_MAX} device ids`);
  }
  const ids = devices.map((id, i) => {
    if (typeof id !== "string") throw invalid(`devices[${i}]`, "must be a string");
    if (devices.indexOf(id) !== i) throw invalid(`devices[${i}]`, `repeats ${id}`);
    return deviceIdArg(id, `batchJson devices[${i}]`);
  });
  const r = json.rejected;
  if (!isPlainObject(r)) throw invalid("rejected", "must be {unknownDevice, revoked, badSignature, replayed}");
  const rejected: RejectedCounts = {
    unknownDevice: count(r.unknownDevice, "rejected.unknownDevice", ANCHOR_READINGS_MAX),
    revoked: count(r.revoked, "rejected.revoked", ANCHOR_READINGS_MAX),
    badSignature: count(r.badSignature, "rejected.badSignature", ANCHOR_READINGS_MAX),
    replayed: count(r.replayed, "rejected.replayed", ANCHOR_READINGS_MAX),
  };
  return { root: json.root, count: readings, fromMs, toMs, devices: ids, rejected };
}
