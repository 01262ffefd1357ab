import { CityChainError, type ErrorCode } from "@citychain/protocol";

/** What a GS1 error carries besides its code: the part of the input that is wrong. */
export interface Gs1ErrorType {
  code: ErrorCode;
  /** The element at fault, e.g. "(01) GTIN", "path segment 3", "query 17". */
  part: string;
}

/** A coded GS1 error naming the part of the input at fault. */
export function gs1Error(code: ErrorCode, part: string, message: string): CityChainError<Gs1ErrorType> {
  return new CityChainError({ code, part }, `${part}: ${message}`);
}
