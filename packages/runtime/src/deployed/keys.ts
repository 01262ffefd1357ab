import { CityChainError, ErrorCode } from "@citychain/protocol";

/** Longest key a contract may use, in UTF-16 code units (Fabric has no limit; LMDB keys must stay small). */
export const CONTRACT_KEY_CHARS_MAX = 1_024;

/**
 * The key space that holds a contract's key-level endorsement policies
 * (Fabric's validation parameters): the contract's name plus a '#', which no
 * contract name may contain, so no contract can reach it directly.
 */
export function validationSpaceOf(contract: string): string {
  return `${contract}#vp`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Keys must be non-empty, well-formed UTF-16 (so UTF-8 keys never collide) and bounded. */
export function checkUserKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > CONTRACT_KEY_CHARS_MAX || LONE_SURROGATE.test(key)) {
    throw new CityChainError(
      { code: ErrorCode.CONTRACT_KEY_INVALID },
      `state keys must be 1 to ${CONTRACT_KEY_CHARS_MAX} characters of well-formed text`,
    );
  }
}
