/**
 * Matching of a normalized selector against a document, following CouchDB's
 * `mango_selector:match`. A missing field fails every condition except
 * `{$exists: false}`; a path through a non-container fails all of them.
 * Equality is collation equality (so `{a: [1]}` equals only the array `[1]`;
 * it does not look inside arrays as MongoDB does).
 */

import { collate } from "./collate.ts";
import { getField, parseFieldPath } from "./field-path.ts";
import { isJsonObject, type JsonValue, jsonTypeOf } from "./json.ts";
import type { Selector } from "./selector.ts";

/** True when `value` satisfies `selector` (already normalized). */
export function matchesSelector(selector: Selector, value: JsonValue): boolean {
  switch (selector.kind) {
    case "empty":
      return true;
    case "$and":
      return selector.args.every((arg) => matchesSelector(arg, value));
    case "$or":
      // An empty `$or` matches, as in CouchDB 3.4 and later.
      return selector.args.length === 0 || selector.args.some((arg) => matchesSelector(arg, value));
    case "$nor":
      return !selector.args.some((arg) => matchesSelector(arg, value));
    case "$not":
      return !matchesSelector(selector.arg, value);
    case "field":
      return matchesField(selector.name, selector.cond, value);
    case "$elemMatch":
      return Array.isArray(value) && value.some((item) => matchesSelector(selector.arg, item));
    case "$allMatch":
      return Array.isArray(value) && value.length > 0 && value.every((item) => matchesSelector(selector.arg, item));
    case "$keyMapMatch":
      return isJsonObject(value) && Object.keys(value).some((key) => matchesSelector(selector.arg, key));
    case "op":
      return matchesOperator(selector, value);
  }
}

function matchesField(name: string, cond: Selector, value: JsonValue): boolean {
  // Inside $elemMatch and friends a condition may apply to the element itself.
  if (name === "") return matchesSelector(cond, value);
  const lookup = getField(value, parseFieldPath(name));
  if (!lookup.found) {
    return lookup.reason === "not_found" && cond.kind === "op" && cond.op === "$exists" && cond.arg === false;
  }
  return matchesSelector(cond, lookup.value);
}

function matchesOperator(selector: Extract<Selector, { kind: "op" }>, value: JsonValue): boolean {
  const arg = selector.arg;
  switch (selector.op) {
    case "$lt":
      return collate(value, arg) < 0;
    case "$lte":
      return collate(value, arg) <= 0;
    case "$eq":
      return collate(value, arg) === 0;
    case "$ne":
      return collate(value, arg) !== 0;
    case "$gte":
      return collate(value, arg) >= 0;
    case "$gt":
      return collate(value, arg) > 0;
    case "$in":
      return isIn(value, arg as JsonValue[]);
    case "$nin":
      return isNotIn(value, arg as JsonValue[]);
    case "$exists":
      return arg === true;
    case "$type":
      return jsonTypeOf(value) === arg;
    case "$mod": {
      const [divisor, remainder] = arg as [number, number];
      return typeof value === "number" && Number.isInteger(value) && value % divisor === remainder;
    }
    case "$regex":
      return typeof value === "string" && selector.regex!.test(value);
    case "$all":
      return containsAll(value, arg as JsonValue[]);
    case "$size":
      return Array.isArray(value) && value.length === arg;
    case "$beginsWith":
      return typeof value === "string" && value.startsWith(arg as string);
  }
}

// For an array field, `$in` asks whether any element equals any argument.
function isIn(value: JsonValue, args: JsonValue[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  return args.some((arg) => values.some((item) => collate(item, arg) === 0));
}

function isNotIn(value: JsonValue, args: JsonValue[]): boolean {
  const values = Array.isArray(value) ? value : [value];
  return args.every((arg) => values.every((item) => collate(item, arg) !== 0));
}

// `{$all: []}` matches nothing; `{$all: [[1, 2]]}` also matches the array `[1, 2]` itself.
function containsAll(value: JsonValue, args: JsonValue[]): boolean {
  if (args.length === 0) return false;
  if (args.length === 1 && Array.isArray(args[0]) && collate(args[0], value) === 0) return true;
  if (!Array.isArray(value)) return false;
  return args.every((arg) => value.some((item) => collate(item, arg) === 0));
}
