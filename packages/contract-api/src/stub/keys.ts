/**
 * Key rules of Fabric's shim. Composite keys live in a namespace that starts
 * with U+0000; simple keys may not, so range queries over simple keys never
 * see composite ones.
 */

import { ContractApiError, ContractErrorCode } from "../errors.ts";

/** Separator inside composite keys, and the smallest code point. */
export const MIN_UNICODE_RUNE_VALUE = "\u0000";
/** The largest code point, the upper bound of partial composite key ranges. */
export const MAX_UNICODE_RUNE_VALUE = "\u{10ffff}";
/** First character of every composite key. */
export const COMPOSITEKEY_NS = "\u0000";
/** Start key used for an empty start key, so that the range skips the composite key namespace. */
export const EMPTY_KEY_SUBSTITUTE = "\u0001";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A coded key error with Fabric's message. */
export function keyError(message: string): ContractApiError {
  return new ContractApiError(ContractErrorCode.CONTRACT_KEY_INVALID, message);
}

/** Rejects range bounds in the composite key namespace (Fabric's `validateSimpleKeys`). */
export function validateSimpleKeys(...keys: unknown[]): void {
  for (const key of keys) {
    if (typeof key === "string" && key.charAt(0) === COMPOSITEKEY_NS) {
      throw keyError(`first character of the key [${key}] contains a null character which is not allowed`);
    }
  }
}

/**
 * Checks a key passed to get, put or delete: a non-empty string that encodes
 * to UTF-8 (no lone surrogates), as the peer requires. Composite keys are
 * allowed here; they are written with `putState` like any key.
 */
export function validateStateKey(key: unknown): asserts key is string {
  if (typeof key !== "string") throw keyError("key must be a string");
  if (key.length === 0) throw keyError("key must not be an empty string");
  if (LONE_SURROGATE.test(key)) throw keyError(`invalid key [${key}], must be a UTF-8 string`);
}

/** Checks a private data collection name and key (the shim's messages). */
export function validateCollectionKey(collection: unknown, key: unknown): asserts key is string {
  validateCollection(collection);
  if (!key || typeof key !== "string") throw keyError("key must be a valid string");
  validateStateKey(key);
}

/** Checks a private data collection name. */
export function validateCollection(collection: unknown): asserts collection is string {
  if (!collection || typeof collection !== "string") throw keyError("collection must be a valid string");
}

/** A range bound as a string: "" for none (undefined or null), as Fabric's protobuf encoding turns them. */
export function rangeBound(value: unknown, name: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw keyError(`${name} must be a string`);
  return value;
}

/**
 * The bounds of a range over simple keys: an empty start becomes Fabric's
 * substitute (U+0001), so the composite key namespace (U+0000...) is skipped,
 * and neither bound may lie in that namespace.
 */
export function simpleKeyRange(startKey: unknown, endKey: unknown): [string, string] {
  const start = rangeBound(startKey, "startKey") || EMPTY_KEY_SUBSTITUTE;
  const end = rangeBound(endKey, "endKey");
  validateSimpleKeys(start, end);
  return [start, end];
}
