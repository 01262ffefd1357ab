import { parseDateTimeMs } from "../../epcis/time.ts";
import { validateAiValue } from "../../gs1/ai.ts";
import { normaliseGtin } from "../../gs1/check-digit.ts";
import { parseGs1Date } from "../../gs1/dates.ts";
import { utcYearOfMs } from "../shared/block-time.ts";

/** A validated (17) expiry date. */
export interface ExpiryInput {
  /** YYMMDD as given. */
  expiry: string;
  /** "YYYY-MM-DD" (day 00 is the last day of the month). */
  date: string;
  /** First instant after the expiry day, UTC: the item is expired from then on. */
  endMs: number;
}

const DAY_MS = 86_400_000;

/**
 * A GTIN-8/12/13/14 with a valid check digit, as its 14 digits. Throws
 * GS1_KEY_INVALID or GS1_CHECK_DIGIT_INVALID naming "gtin".
 */
export function gtinInput(value: string): string {
  return normaliseGtin(value, "gtin");
}

/** A (10) lot: 1-20 characters of GS1 character set 82 (GS1_AI_VALUE_INVALID otherwise). */
export function lotInput(value: string): string {
  validateAiValue("10", value);
  return value;
}

/** A (21) serial: 1-20 characters of GS1 character set 82. */
export function serialInput(value: string): string {
  validateAiValue("21", value);
  return value;
}

/**
 * A (17) YYMMDD expiry. The century follows GS1 General Specifications 7.12
 * with the block's year as reference, so every node reads it alike.
 * Throws GS1_DATE_INVALID naming the (17) expiry date.
 */
export function expiryInput(value: string, nowMs: number): ExpiryInput {
  const date = parseGs1Date("17", value, utcYearOfMs(nowMs));
  const startMs = parseDateTimeMs(`${date.iso}T00:00:00Z`) as number;
  return { expiry: value, date: date.iso, endMs: startMs + DAY_MS };
}
