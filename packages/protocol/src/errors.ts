/**
 * Coded errors. Every error that can reach a client or a log carries a stable
 * `code` (machine-readable) and a message a person can act on.
 */
export class CityChainError<T extends { code: string } = { code: string }> extends Error {
  readonly type: T;

  constructor(type: T, message: string) {
    super(message);
    this.type = type;
    this.name = "CityChainError";
  }

  get code(): T["code"] {
    return this.type.code;
  }

  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Creates a coded error with no further metadata. */
export function codedError(code: ErrorCode, message: string): CityChainError<{ code: ErrorCode }> {
  return new CityChainError({ code }, message);
}

export function isCityChainError(e: unknown): e is CityChainError {
  return e instanceof CityChainError;
}

/**
 * Every code the system emits. Grouped by domain; the prefix says where the
 * problem is, the rest what it is.
 */
export const ErrorCode = {
  // encoding
  ENCODING_INVALID: "ENCODING_INVALID",
  ENCODING_NON_CANONICAL: "ENCODING_NON_CANONICAL",
  ENCODING_TOO_LARGE: "ENCODING_TOO_LARGE",
  // transactions
  TX_DECODE_FAILED: "TX_DECODE_FAILED",
  TX_TOO_LARGE: "TX_TOO_LARGE",
  TX_MALFORMED: "TX_MALFORMED",
  TX_WRONG_CHAIN: "TX_WRONG_CHAIN",
  TX_SIGNATURE_INVALID: "TX_SIGNATURE_INVALID",
  TX_SIGNATURE_MISSING: "TX_SIGNATURE_MISSING",
  TX_DUPLICATE: "TX_DUPLICATE",
  TX_EXPIRED: "TX_EXPIRED",
  TX_EXPIRY_TOO_FAR: "TX_EXPIRY_TOO_FAR",
  TX_NOT_FOUND: "TX_NOT_FOUND",
  TX_COMMIT_TIMEOUT: "TX_COMMIT_TIMEOUT",
  // identities and certificates
  CERT_INVALID: "CERT_INVALID",
  CERT_UNKNOWN_CA: "CERT_UNKNOWN_CA",
  CERT_EXPIRED: "CERT_EXPIRED",
  CERT_NOT_YET_VALID: "CERT_NOT_YET_VALID",
  CERT_REVOKED: "CERT_REVOKED",
  CERT_ROLE_FORBIDDEN: "CERT_ROLE_FORBIDDEN",
  IDENTITY_LOAD_FAILED: "IDENTITY_LOAD_FAILED",
  KEY_UNSUPPORTED: "KEY_UNSUPPORTED",
  // access
  ACCESS_DENIED: "ACCESS_DENIED",
  AUTH_REQUIRED: "AUTH_REQUIRED",
  AUTH_INVALID: "AUTH_INVALID",
  // mempool and limits
  MEMPOOL_FULL: "MEMPOOL_FULL",
  BATCH_TOO_LARGE: "BATCH_TOO_LARGE",
  // contracts and execution
  CONTRACT_NOT_FOUND: "CONTRACT_NOT_FOUND",
  CONTRACT_FUNCTION_NOT_FOUND: "CONTRACT_FUNCTION_NOT_FOUND",
  CONTRACT_ARGS_INVALID: "CONTRACT_ARGS_INVALID",
  CONTRACT_FAILED: "CONTRACT_FAILED",
  CONTRACT_PUBLIC_SUBMIT_DENIED: "CONTRACT_PUBLIC_SUBMIT_DENIED",
  WRITE_SET_TOO_LARGE: "WRITE_SET_TOO_LARGE",
  // blocks and chain
  BLOCK_DECODE_FAILED: "BLOCK_DECODE_FAILED",
  BLOCK_NOT_FOUND: "BLOCK_NOT_FOUND",
  BLOCK_HEIGHT_MISMATCH: "BLOCK_HEIGHT_MISMATCH",
  BLOCK_PREV_HASH_MISMATCH: "BLOCK_PREV_HASH_MISMATCH",
  BLOCK_TX_ROOT_MISMATCH: "BLOCK_TX_ROOT_MISMATCH",
  BLOCK_RESULTS_ROOT_MISMATCH: "BLOCK_RESULTS_ROOT_MISMATCH",
  BLOCK_APP_HASH_MISMATCH: "BLOCK_APP_HASH_MISMATCH",
  BLOCK_VALIDATORS_HASH_MISMATCH: "BLOCK_VALIDATORS_HASH_MISMATCH",
  BLOCK_CHAIN_ID_MISMATCH: "BLOCK_CHAIN_ID_MISMATCH",
  BLOCK_TIME_INVALID: "BLOCK_TIME_INVALID",
  BLOCK_TOO_LARGE: "BLOCK_TOO_LARGE",
  BLOCK_TX_INVALID: "BLOCK_TX_INVALID",
  COMMIT_INVALID: "COMMIT_INVALID",
  COMMIT_INSUFFICIENT_POWER: "COMMIT_INSUFFICIENT_POWER",
  COMMIT_SIGNATURE_INVALID: "COMMIT_SIGNATURE_INVALID",
  COMMIT_BLOCK_HASH_MISMATCH: "COMMIT_BLOCK_HASH_MISMATCH",
  PROOF_INVALID: "PROOF_INVALID",
  // genesis and configuration
  GENESIS_INVALID: "GENESIS_INVALID",
  CONFIG_INVALID: "CONFIG_INVALID",
  LEDGER_CORRUPT: "LEDGER_CORRUPT",
  LEDGER_GENESIS_MISMATCH: "LEDGER_GENESIS_MISMATCH",
  LEDGER_NOT_INITIALIZED: "LEDGER_NOT_INITIALIZED",
  LEDGER_KEY_INVALID: "LEDGER_KEY_INVALID",
  LEDGER_RANGE_LIMIT_EXCEEDED: "LEDGER_RANGE_LIMIT_EXCEEDED",
  // api
  REQUEST_INVALID: "REQUEST_INVALID",
  REQUEST_TOO_LARGE: "REQUEST_TOO_LARGE",
  REQUEST_MEDIA_TYPE_UNSUPPORTED: "REQUEST_MEDIA_TYPE_UNSUPPORTED",
  STREAM_TOO_SLOW: "STREAM_TOO_SLOW",
  STREAM_LIMIT_REACHED: "STREAM_LIMIT_REACHED",
  NOT_FOUND: "NOT_FOUND",
  INTERNAL: "INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A broken internal invariant: a bug, never the caller's fault. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
