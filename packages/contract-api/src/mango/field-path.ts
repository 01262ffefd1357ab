/**
 * Field paths of rich queries (`"address.city"`, `"items.0.sku"`): segments
 * separated by `.`, where `\.` is a literal dot; a segment that is an integer
 * indexes into an array, as in CouchDB's `mango_doc:get_field`.
 */

import { setOwn } from "../own-property.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.ts";

/** Where a path leads in a document. */
export type FieldLookup = { found: true; value: JsonValue } | { found: false; reason: "not_found" | "bad_path" };

/** The segments of a field path. */
export function parseFieldPath(field: string): string[] {
  const segments: string[] = [];
  let current = "";
  for (let i = 0; i < field.length; i++) {
    const c = field[i];
    if (c === "\\" && field[i + 1] === ".") {
      current += ".";
      i++;
    } else if (c === ".") {
      segments.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

/** The value at `path` in `value`. */
export function getField(value: JsonValue, path: readonly string[]): FieldLookup {
  let current = value;
  for (const segment of path) {
    if (isJsonObject(current)) {
      if (!Object.hasOwn(current, segment)) return { found: false, reason: "not_found" };
      current = current[segment];
    } else if (Array.isArray(current)) {
      if (!/^[+-]?\d+$/.test(segment)) return { found: false, reason: "bad_path" };
      const index = Number(segment);
      if (index < 0 || index >= current.length) return { found: false, reason: "bad_path" };
      current = current[index];
    } else {
      return { found: false, reason: "bad_path" };
    }
  }
  return { found: true, value: current };
}

/** Sets `value` at `path` in `target`, creating nested objects (a projection's output). */
export function setField(target: JsonObject, path: readonly string[], value: JsonValue): void {
  let current = target;
  for (const segment of path.slice(0, -1)) {
    const next = Object.hasOwn(current, segment) ? current[segment] : undefined;
    if (!isJsonObject(next)) {
      const created: JsonObject = {};
      setOwn(current, segment, created);
      current = created;
    } else {
      current = next;
    }
  }
  setOwn(current, path[path.length - 1], value);
}
