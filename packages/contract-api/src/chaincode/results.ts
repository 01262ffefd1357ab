import { errorCodeOf, errorMessageOf } from "../errors.ts";
import type { DispatchResult } from "../host.ts";

/** A successful reply. */
export function successResult(payload: Uint8Array | undefined): DispatchResult {
  return { status: 200, message: "", payload: payload ?? Buffer.alloc(0) };
}

/** A failed reply carrying the error's message, and its code or `fallbackCode`. */
export function failureResult(error: unknown, fallbackCode?: string): DispatchResult {
  const code = errorCodeOf(error) ?? fallbackCode;
  const result: DispatchResult = { status: 500, message: errorMessageOf(error), payload: Buffer.alloc(0) };
  if (code !== undefined) result.code = code;
  return result;
}
