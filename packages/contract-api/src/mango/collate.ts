/**
 * Orderings used by rich queries.
 *
 * `compareKeys` is the order of state keys: Unicode code point order, which is
 * the byte order of their UTF-8 form (the order of Fabric's LevelDB and of
 * CouchDB's raw `_id` collation). JavaScript's `<` compares UTF-16 code units
 * instead, which differs for characters above U+FFFF.
 *
 * `collate` is CouchDB's collation of JSON values, used by comparison
 * operators and `sort`: null < false < true < numbers < strings < arrays <
 * objects; arrays element by element, then by length; objects member by
 * member in their order (key, then value), then by size. CouchDB compares
 * strings with ICU's Unicode collation; here strings compare by code point,
 * which is deterministic without ICU data and agrees with ICU on same-case
 * ASCII letters and digits but not on mixed case or punctuation.
 */

import { isJsonObject, type JsonValue } from "./json.ts";

/** Negative, zero or positive as `a` sorts before, with or after `b` in code point order. */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Moves surrogates above U+E000..U+FFFF so code unit order becomes code point order (ICU's fix-up).
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** CouchDB's collation of two JSON values. */
export function collate(a: JsonValue, b: JsonValue): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA - rankB;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return Math.sign(compareKeys(a, b));
  if (Array.isArray(a) && Array.isArray(b)) return collateLists(a, b);
  if (isJsonObject(a) && isJsonObject(b)) return collateObjects(a, b);
  return 0;
}

function typeRank(value: JsonValue): number {
  if (value === null) return 0;
  if (value === false) return 1;
  if (value === true) return 2;
  if (typeof value === "number") return 3;
  if (typeof value === "string") return 4;
  if (Array.isArray(value)) return 5;
  return 6;
}

function collateLists(a: JsonValue[], b: JsonValue[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = collate(a[i], b[i]);
    if (order !== 0) return order;
  }
  return Math.sign(a.length - b.length);
}

// Member order is the order of the JSON text (JSON.parse keeps it, integer-like keys first, by the language spec).
function collateObjects(a: Record<string, JsonValue>, b: Record<string, JsonValue>): number {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const length = Math.min(keysA.length, keysB.length);
  for (let i = 0; i < length; i++) {
    const keyOrder = Math.sign(compareKeys(keysA[i], keysB[i]));
    if (keyOrder !== 0) return keyOrder;
    const valueOrder = collate(a[keysA[i]], b[keysB[i]]);
    if (valueOrder !== 0) return valueOrder;
  }
  return Math.sign(keysA.length - keysB.length);
}
