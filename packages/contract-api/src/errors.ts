/**
 * Coded errors of the contract API. The package runs inside the sandbox and
 * may not import `@citychain/protocol`, so it keeps its own small table; the
 * runtime maps these codes into its error table. Messages of errors that
 * Fabric also raises are Fabric's own, so chaincode that matches on them
 * keeps working.
 */
export const ContractErrorCode = {
  /** No contract or transaction function of that name (Fabric's `unknownTransaction`). */
  CONTRACT_FUNCTION_UNKNOWN: "CONTRACT_FUNCTION_UNKNOWN",
  /** An argument could not be converted to, or validated against, its declared type. */
  CONTRACT_ARGS_INVALID: "CONTRACT_ARGS_INVALID",
  /** A state key, composite key attribute or collection name was rejected. */
  CONTRACT_KEY_INVALID: "CONTRACT_KEY_INVALID",
  /** A rich query, page size or bookmark was malformed. */
  CONTRACT_QUERY_INVALID: "CONTRACT_QUERY_INVALID",
  /** A query would read more than its bound (see `limits.ts`). */
  CONTRACT_QUERY_LIMIT: "CONTRACT_QUERY_LIMIT",
  /** The module exports neither contracts nor a shim chaincode, or its answer was malformed. */
  CONTRACT_CHAINCODE_INVALID: "CONTRACT_CHAINCODE_INVALID",
} as const;

export type ContractErrorCode = (typeof ContractErrorCode)[keyof typeof ContractErrorCode];

/** An `Error` with a stable `code`; the dispatcher copies the code into its reply. */
export class ContractApiError extends Error {
  readonly code: ContractErrorCode;

  constructor(code: ContractErrorCode, message: string) {
    super(message);
    this.code = code;
    // Defined, not assigned: assignment would hit Error.prototype.name, read-only once the sandbox is locked down.
    Object.defineProperty(this, "name", { value: "ContractApiError", writable: true, configurable: true });
  }
}

/**
 * The code carried by an error, if any. Errors from the host come from another
 * realm, so this reads the property instead of using `instanceof`.
 */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** The message of anything thrown: an error's `message`, or the value as text. */
export function errorMessageOf(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  return String(error);
}
