import { daysInMonth } from "../gs1/dates.ts";

/**
 * xsd:dateTime with a mandatory offset (EPCIS 2.0 requires event times to
 * carry one), e.g. "2005-04-03T20:33:31.116-06:00" or "2013-06-08T14:58:56Z".
 * Fractions of any length are accepted; milliseconds are kept, digits beyond
 * are truncated for ordering (comparisons are at millisecond precision).
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;
const OFFSET = /^[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)$/;

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
 * days_from_civil); Date.UTC would read years 0-99 as 1900-1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Milliseconds since the Unix epoch, or undefined if `value` is not an offset xsd:dateTime. */
export function parseDateTimeMs(value: string): number | undefined {
  const m = DATE_TIME.exec(value);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  let offsetMinutes = 0;
  if (m[8] !== "Z") {
    if (!OFFSET.test(m[8])) return undefined;
    const sign = m[8][0] === "-" ? -1 : 1;
    offsetMinutes = sign * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)));
  }
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  return seconds * 1000 + ms - offsetMinutes * 60_000;
}

/** True for an eventTimeZoneOffset such as "+01:00" or "-06:00" (range -14:00..+14:00). */
export function isTimeZoneOffset(value: string): boolean {
  return OFFSET.test(value);
}
