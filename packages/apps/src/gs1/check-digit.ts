import { ErrorCode } from "@citychain/protocol";
import { gs1Error } from "./gs1-error.ts";

/**
 * GS1 standard check digit (General Specifications 7.9.1): weights 3 and 1
 * alternate from the rightmost digit of the body, the check digit brings the
 * weighted sum up to a multiple of ten. The same rule serves GTIN-8/12/13/14,
 * GLN, SSCC, GRAI, GSRN and the other numeric keys.
 */
export function gs1CheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new TypeError(`check digit body must be digits: ${body}`);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `key` is the GS1 check digit of the rest. */
export function hasValidCheckDigit(key: string): boolean {
  if (!/^\d{2,}$/.test(key)) return false;
  return gs1CheckDigit(key.slice(0, -1)) === key.charCodeAt(key.length - 1) - 48;
}

const GTIN_LENGTHS = new Set([8, 12, 13, 14]);

/** True for a GTIN-8, -12, -13 or -14 with a correct check digit. */
export function isValidGtin(gtin: string): boolean {
  return /^\d+$/.test(gtin) && GTIN_LENGTHS.has(gtin.length) && hasValidCheckDigit(gtin);
}

/** True for a 13-digit GLN with a correct check digit. */
export function isValidGln(gln: string): boolean {
  return /^\d{13}$/.test(gln) && hasValidCheckDigit(gln);
}

/** True for an 18-digit SSCC with a correct check digit. */
export function isValidSscc(sscc: string): boolean {
  return /^\d{18}$/.test(sscc) && hasValidCheckDigit(sscc);
}

/**
 * Checks a numeric GS1 key of a fixed length and its check digit; throws
 * GS1_KEY_INVALID (wrong shape) or GS1_CHECK_DIGIT_INVALID naming `part`.
 */
export function checkNumericKey(value: string, length: number, part: string): void {
  if (!new RegExp(`^\\d{${length}}$`).test(value)) {
    throw gs1Error(ErrorCode.GS1_KEY_INVALID, part, `must be ${length} digits, got "${value}"`);
  }
  if (!hasValidCheckDigit(value)) {
    const expected = gs1CheckDigit(value.slice(0, -1));
    throw gs1Error(ErrorCode.GS1_CHECK_DIGIT_INVALID, part, `check digit of ${value} should be ${expected}`);
  }
}

/**
 * A GTIN of 8, 12, 13 or 14 digits as its 14-digit form (left-padded with
 * zeros, which leaves the check digit valid). Throws a coded error naming
 * `part` for any other length or a wrong check digit.
 */
export function normaliseGtin(gtin: string, part = "(01) GTIN"): string {
  if (!/^\d+$/.test(gtin) || !GTIN_LENGTHS.has(gtin.length)) {
    throw gs1Error(ErrorCode.GS1_KEY_INVALID, part, `a GTIN has 8, 12, 13 or 14 digits, got "${gtin}"`);
  }
  const gtin14 = gtin.padStart(14, "0");
  checkNumericKey(gtin14, 14, part);
  return gtin14;
}
