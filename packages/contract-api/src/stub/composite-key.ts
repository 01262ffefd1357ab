/**
 * Composite keys in Fabric's exact format:
 * `U+0000 objectType U+0000 attr1 U+0000 attr2 U+0000 ...`.
 */

import { COMPOSITEKEY_NS, keyError, MAX_UNICODE_RUNE_VALUE, MIN_UNICODE_RUNE_VALUE } from "./keys.ts";

/** The parts of a composite key. `objectType` is null when the key is not composite. */
export interface SplitCompositeKey {
  objectType: string | null;
  attributes: string[];
}

/** Builds a composite key; the type and every attribute must be non-empty strings. */
export function createCompositeKey(objectType: string, attributes: readonly string[]): string {
  validateAttribute(objectType);
  if (!Array.isArray(attributes)) throw keyError("attributes must be an array");
  let key = COMPOSITEKEY_NS + objectType + MIN_UNICODE_RUNE_VALUE;
  for (const attribute of attributes) {
    validateAttribute(attribute);
    key += attribute + MIN_UNICODE_RUNE_VALUE;
  }
  return key;
}

/** The type and attributes of a composite key; `{objectType: null, attributes: []}` for a simple key. */
export function splitCompositeKey(compositeKey: string): SplitCompositeKey {
  const result: SplitCompositeKey = { objectType: null, attributes: [] };
  if (compositeKey && compositeKey.length > 1 && compositeKey.charAt(0) === COMPOSITEKEY_NS) {
    const parts = compositeKey.substring(1).split(MIN_UNICODE_RUNE_VALUE);
    result.objectType = parts[0];
    parts.pop();
    if (parts.length > 1) result.attributes = parts.slice(1);
  }
  return result;
}

/** The key range `[start, end)` holding every composite key that begins with the given parts. */
export function partialCompositeKeyRange(objectType: string, attributes: readonly string[]): [string, string] {
  const prefix = createCompositeKey(objectType, attributes);
  return [prefix, prefix + MAX_UNICODE_RUNE_VALUE];
}

function validateAttribute(attribute: unknown): void {
  if (!attribute || typeof attribute !== "string" || attribute.length === 0) {
    throw keyError("object type or attribute not a non-zero length string");
  }
}
