/**
 * The value a rich query returns for a document. With a `fields` projection
 * the result is new JSON holding only those fields, with object keys sorted
 * at every level: Fabric re-encodes CouchDB documents through a Go map, which
 * sorts keys, so that is what Fabric chaincode sees.
 */

import { compareKeys } from "./collate.ts";
import { getField, setField } from "./field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.ts";

/** The projection of `doc` onto `fields`; fields the document lacks are left out. */
export function projectFields(doc: JsonObject, fields: readonly string[][]): JsonObject {
  const projected: JsonObject = {};
  for (const path of fields) {
    const lookup = getField(doc, path);
    if (lookup.found) setField(projected, path, lookup.value);
  }
  return projected;
}

/** JSON text of `value` with the members of every object in code point order. */
export function stringifySorted(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(stringifySorted).join(",")}]`;
  if (isJsonObject(value)) {
    const members = Object.keys(value)
      .sort(compareKeys)
      .map((key) => `${JSON.stringify(key)}:${stringifySorted(value[key])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}
