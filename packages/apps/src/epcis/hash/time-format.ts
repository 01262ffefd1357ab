/**
 * Rules 8 and 9 of the hash algorithm: timestamps in UTC with millisecond
 * precision ("2005-04-04T02:33:31.116Z"). Like the reference (dateutil, then
 * round(microseconds, -3)), fractions are cut to microseconds and rounded to
 * milliseconds half to even. Where the reference fails (a fraction rounding up
 * to a whole second) this carries into the next second; a time without
 * offset is read as UTC (the reference would use the machine's zone).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** Rounds microseconds to milliseconds, ties to even (Python's round(n, -3) on integers). */
function roundHalfEvenMs(micros: number): number {
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  if (rest > 500 || (rest === 500 && ms % 2 === 1)) return ms + 1;
  return ms;
}

function offsetMinutes(tz: string | undefined): number {
  if (tz === undefined || tz.toUpperCase() === "Z") return 0;
  const sign = tz[0] === "-" ? -1 : 1;
  const digits = tz.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
}

/** The canonical UTC millisecond form of a timestamp, or the text unchanged when it is not one. */
export function canonicalTimestamp(text: string): string {
  const m = ISO.exec(text);
  if (m === null) return text;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number);
  const second = Number(m[6] ?? "0");
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return text;
  const micros = Number((m[7] ?? "").padEnd(6, "0").slice(0, 6));
  const epochSeconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  const epochMs = epochSeconds * 1000 + roundHalfEvenMs(micros) - offsetMinutes(m[8]) * 60_000;
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime())) return text;
  return date.toISOString();
}
