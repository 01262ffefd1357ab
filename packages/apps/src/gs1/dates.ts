import { ErrorCode } from "@citychain/protocol";
import { gs1Error } from "./gs1-error.ts";

/** A date from a GS1 YYMMDD element string, with the century resolved. */
export interface Gs1Date {
  year: number;
  month: number;
  /** Day of month; for (11) with day 00 ("day not given") it is null. */
  day: number | null;
  /** "YYYY-MM-DD", or "YYYY-MM" when the day is not given. */
  iso: string;
}

/**
 * Full year of a two-digit year per GS1 General Specifications 7.12: the
 * difference between YY and the last two digits of the reference year decides
 * the century: 51..99 means the previous century, -99..-50 the next one,
 * anything else the reference year's century. The reference year is passed in
 * (no clock here) so every node resolves the same date.
 */
export function resolveGs1Century(yy: number, referenceYear: number): number {
  const century = Math.floor(referenceYear / 100) * 100;
  const difference = yy - (referenceYear % 100);
  if (difference >= 51) return century - 100 + yy;
  if (difference <= -50) return century + 100 + yy;
  return century + yy;
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * Parses a YYMMDD date of AI (17) expiry or (11) production date. Day 00 is
 * allowed for both (General Specifications 3.4): for (17) it means the last
 * day of the month, so the date resolves to that day; for (11) it means the
 * day is not given and `day` is null. Throws GS1_DATE_INVALID naming the AI.
 */
export function parseGs1Date(ai: "11" | "17", yymmdd: string, referenceYear: number): Gs1Date {
  const part = ai === "17" ? "(17) expiry date" : "(11) production date";
  if (!/^\d{6}$/.test(yymmdd)) throw gs1Error(ErrorCode.GS1_DATE_INVALID, part, `must be YYMMDD, got "${yymmdd}"`);
  const year = resolveGs1Century(Number(yymmdd.slice(0, 2)), referenceYear);
  const month = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) throw gs1Error(ErrorCode.GS1_DATE_INVALID, part, `month ${pad(month, 2)} is not 01-12`);
  const lastDay = daysInMonth(year, month);
  if (dd > lastDay) {
    throw gs1Error(ErrorCode.GS1_DATE_INVALID, part, `day ${pad(dd, 2)} does not exist in ${year}-${pad(month, 2)}`);
  }
  if (dd === 0 && ai === "11") return { year, month, day: null, iso: `${pad(year, 4)}-${pad(month, 2)}` };
  const day = dd === 0 ? lastDay : dd;
  return { year, month, day, iso: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` };
}
