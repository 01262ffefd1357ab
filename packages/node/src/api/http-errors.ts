import { CityChainError, ErrorCode } from "@citychain/protocol";

/** The JSON body of every error the API returns. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

const STATUS_BY_CODE: Partial<Record<string, number>> = {
  [ErrorCode.AUTH_REQUIRED]: 401,
  [ErrorCode.AUTH_INVALID]: 401,
  [ErrorCode.CERT_INVALID]: 401,
  [ErrorCode.CERT_UNKNOWN_CA]: 403,
  [ErrorCode.CERT_EXPIRED]: 403,
  [ErrorCode.CERT_NOT_YET_VALID]: 403,
  [ErrorCode.CERT_REVOKED]: 403,
  [ErrorCode.CERT_ROLE_FORBIDDEN]: 403,
  [ErrorCode.ACCESS_DENIED]: 403,
  [ErrorCode.CONTRACT_PUBLIC_SUBMIT_DENIED]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.TX_NOT_FOUND]: 404,
  [ErrorCode.BLOCK_NOT_FOUND]: 404,
  [ErrorCode.CONTRACT_NOT_FOUND]: 404,
  [ErrorCode.CONTRACT_FUNCTION_NOT_FOUND]: 404,
  [ErrorCode.TX_DUPLICATE]: 409,
  [ErrorCode.TX_TOO_LARGE]: 413,
  [ErrorCode.ENCODING_TOO_LARGE]: 413,
  [ErrorCode.BATCH_TOO_LARGE]: 413,
  [ErrorCode.REQUEST_TOO_LARGE]: 413,
  [ErrorCode.REQUEST_MEDIA_TYPE_UNSUPPORTED]: 415,
  [ErrorCode.MEMPOOL_FULL]: 503,
  [ErrorCode.TX_COMMIT_TIMEOUT]: 504,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.LEDGER_CORRUPT]: 500,
  [ErrorCode.LEDGER_NOT_INITIALIZED]: 500,
  [ErrorCode.CONFIG_INVALID]: 500,
};

/**
 * HTTP status for an error code. Codes not listed are about the caller's
 * input (decoding, shape, chain id, expiry, signatures, contract arguments).
 */
export function httpStatusOf(code: string): number {
  return STATUS_BY_CODE[code] ?? 400;
}

export function errorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

/** A 400 REQUEST_INVALID naming what to fix. */
export function requestInvalid(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.REQUEST_INVALID }, message);
}
