import { ErrorCode } from "@citychain/protocol";
import { firstNonCset82 } from "./charset.ts";
import { checkNumericKey } from "./check-digit.ts";
import { parseGs1Date } from "./dates.ts";
import { gs1Error } from "./gs1-error.ts";

/** How an application identifier's value is written (General Specifications 3.2). */
export type AiFormat =
  | { kind: "numeric-key"; length: number }
  | { kind: "cset82"; maxLength: number }
  | { kind: "date" };

/** One supported GS1 application identifier. */
export interface AiDefinition {
  ai: string;
  title: string;
  format: AiFormat;
}

/**
 * The application identifiers this package reads and writes. Others exist
 * (hundreds); they are rejected with GS1_AI_UNKNOWN rather than passed through
 * unchecked.
 */
export const AI_DEFINITIONS: Readonly<Record<string, AiDefinition>> = {
  "00": { ai: "00", title: "SSCC", format: { kind: "numeric-key", length: 18 } },
  "01": { ai: "01", title: "GTIN", format: { kind: "numeric-key", length: 14 } },
  "10": { ai: "10", title: "batch/lot", format: { kind: "cset82", maxLength: 20 } },
  "11": { ai: "11", title: "production date", format: { kind: "date" } },
  "17": { ai: "17", title: "expiry date", format: { kind: "date" } },
  "21": { ai: "21", title: "serial", format: { kind: "cset82", maxLength: 20 } },
  "254": { ai: "254", title: "GLN extension", format: { kind: "cset82", maxLength: 20 } },
  "414": { ai: "414", title: "GLN", format: { kind: "numeric-key", length: 13 } },
};

/** The definition of `ai`, or a GS1_AI_UNKNOWN error naming `part`. */
export function aiDefinition(ai: string, part = `AI (${ai})`): AiDefinition {
  const def = AI_DEFINITIONS[ai];
  if (def === undefined)
    throw gs1Error(ErrorCode.GS1_AI_UNKNOWN, part, `application identifier (${ai}) is not supported`);
  return def;
}

/**
 * Checks a value against its AI's format: digits, length and check digit for
 * keys; character set 82 and maximum length for lot, serial and extension; a
 * real YYMMDD date for dates (the reference year only matters for the
 * century, so any year works for validation). Throws a coded error naming
 * the AI.
 */
export function validateAiValue(ai: string, value: string, referenceYear = 2000): void {
  const def = aiDefinition(ai);
  const part = `(${ai}) ${def.title}`;
  const format = def.format;
  if (format.kind === "numeric-key") {
    checkNumericKey(value, format.length, part);
  } else if (format.kind === "date") {
    parseGs1Date(ai as "11" | "17", value, referenceYear);
  } else {
    if (value.length === 0 || value.length > format.maxLength) {
      throw gs1Error(
        ErrorCode.GS1_AI_VALUE_INVALID,
        part,
        `must be 1 to ${format.maxLength} characters, got ${value.length}`,
      );
    }
    const bad = firstNonCset82(value);
    if (bad !== undefined) {
      throw gs1Error(ErrorCode.GS1_AI_VALUE_INVALID, part, `character "${bad}" is not in GS1 character set 82`);
    }
  }
}
