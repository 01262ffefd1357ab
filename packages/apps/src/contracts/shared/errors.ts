import { CityChainError, type ErrorCode } from "@citychain/protocol";

/**
 * A coded rejection of a contract call. The dispatcher copies `code` into
 * its reply, so the client sees the code and a message that names what is
 * wrong and what to do; the runtime discards the failed transaction's
 * writes, so a contract simply throws.
 */
export function appError(code: ErrorCode, message: string): CityChainError<{ code: ErrorCode }> {
  return new CityChainError({ code }, message);
}
