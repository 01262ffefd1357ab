/**
 * GS1 AI encodable character set 82 (General Specifications figure 7.11-1):
 * the characters allowed in alphanumeric AIs such as (10) batch/lot, (21)
 * serial and (254) GLN extension. Space, #, $, @, [, \, ], ^, `, {, |, } and ~
 * are not in it.
 */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

/** True when every character of `value` is in GS1 character set 82. */
export function isCset82(value: string): boolean {
  return CSET82.test(value);
}

/** The first character of `value` outside character set 82, or undefined. */
export function firstNonCset82(value: string): string | undefined {
  for (const ch of value) if (!CSET82.test(ch)) return ch;
  return undefined;
}
