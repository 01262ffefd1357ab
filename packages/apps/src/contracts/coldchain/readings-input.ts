import { CityChainError, ErrorCode } from "@citychain/protocol";
import type { Reading } from "../../coldchain/types.ts";
import { FUTURE_SKEW_MS, READINGS_PER_CALL_MAX } from "../limits.ts";
import { isPlainObject } from "../shared/args.ts";

function invalid(where: string, message: string): Error {
  return new CityChainError({ code: ErrorCode.COLDCHAIN_READING_INVALID }, `${where}: ${message}`);
}

/**
 * Readings `[{timeMs, celsius}, ...]` of one device: 1 to
 * READINGS_PER_CALL_MAX, whole milliseconds not after block time (plus
 * FUTURE_SKEW_MS), temperatures above absolute zero. A bad reading rejects
 * the call with COLDCHAIN_READING_INVALID naming `readingsJson[i]`.
 */
export function parseReadings(json: unknown, nowMs: number): Reading[] {
  if (!Array.isArray(json) || json.length === 0 || json.length > READINGS_PER_CALL_MAX) {
    throw invalid(
      "readingsJson",
      `must be an array of 1 to ${READINGS_PER_CALL_MAX} readings; send more in several calls`,
    );
  }
  return json.map((reading, i) => {
    const where = `readingsJson[${i}]`;
    if (!isPlainObject(reading)) throw invalid(where, "must be {timeMs, celsius}");
    const { timeMs, celsius } = reading;
    if (typeof timeMs !== "number" || !Number.isSafeInteger(timeMs) || timeMs < 0)
      throw invalid(where, "timeMs must be whole milliseconds since 1970");
    if (timeMs > nowMs + FUTURE_SKEW_MS)
      throw invalid(where, `timeMs ${timeMs} is after block time ${nowMs}; check the device clock`);
    if (typeof celsius !== "number" || !Number.isFinite(celsius) || celsius < -273.15 || celsius > 1000) {
      throw invalid(where, `celsius must be a temperature in °C, got ${String(celsius)}`);
    }
    return { timeMs, celsius };
  });
}
