import { ErrorCode } from "@citychain/protocol";
import { appError } from "./errors.ts";

/**
 * Checks the arguments of a function with optional trailing parameters and
 * returns them with "" for the optional ones not given.
 */
export function readArgs(args: readonly unknown[], fn: string, required: string[], optional: string[]): string[] {
  const usage = `${fn}(${[...required, ...optional.map((name) => `${name}?`)].join(", ")})`;
  if (args.length < required.length || args.length > required.length + optional.length) {
    throw appError(
      ErrorCode.APP_ARGS_INVALID,
      `${usage} takes ${required.length} to ${required.length + optional.length} arguments, got ${args.length}`,
    );
  }
  const out = args.map((arg, index) => {
    if (typeof arg !== "string")
      throw appError(ErrorCode.APP_ARGS_INVALID, `${usage}: argument ${index + 1} must be a string`);
    return arg;
  });
  while (out.length < required.length + optional.length) out.push("");
  return out;
}

/** A non-empty argument without control characters, at most `maxChars` long. */
export function textArg(value: string, name: string, maxChars: number): string {
  if (value.length === 0) throw appError(ErrorCode.APP_ARGS_INVALID, `${name} is required`);
  if (value.length > maxChars)
    throw appError(ErrorCode.APP_ARGS_INVALID, `${name} is longer than ${maxChars} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw appError(ErrorCode.APP_ARGS_INVALID, `${name} contains a control character`);
  return value;
}

/** Parses a JSON argument; a parse error names the argument. */
export function jsonArg(value: string, name: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw appError(ErrorCode.APP_ARGS_INVALID, `${name} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A JSON object argument of at most `maxBytes` (UTF-8); "" gives `{}`. */
export function attributesArg(value: string, name: string, maxBytes: number): Record<string, unknown> {
  if (value === "") return {};
  if (new TextEncoder().encode(value).length > maxBytes) {
    throw appError(ErrorCode.APP_LIMIT_EXCEEDED, `${name} is larger than ${maxBytes} bytes; keep bulky data off chain`);
  }
  const parsed = jsonArg(value, name);
  if (!isPlainObject(parsed)) throw appError(ErrorCode.APP_ARGS_INVALID, `${name} must be a JSON object`);
  return parsed;
}

/** A whole number written in decimal, within [min, max]. */
export function integerArg(value: string, name: string, min: number, max: number): number {
  if (!/^-?\d{1,16}$/.test(value))
    throw appError(ErrorCode.APP_ARGS_INVALID, `${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw appError(ErrorCode.APP_ARGS_INVALID, `${name} must be from ${min} to ${max}, got ${value}`);
  }
  return n;
}

/** "true" or "false" ("" is `fallback`). */
export function booleanArg(value: string, name: string, fallback: boolean): boolean {
  if (value === "") return fallback;
  if (value === "true") return true;
  if (value === "false") return false;
  throw appError(ErrorCode.APP_ARGS_INVALID, `${name} must be "true" or "false", got "${value}"`);
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
