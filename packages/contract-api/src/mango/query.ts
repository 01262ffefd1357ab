/**
 * Parsing of a rich query string (CouchDB's `_find` body): `selector`
 * (required), `sort`, `limit`, `skip`, `fields`. `use_index`, `bookmark` and
 * the read options CouchDB accepts (`r`, `conflicts`, `execution_stats`,
 * `stable`, `update`, `stale`, `allow_fallback`) are accepted and ignored:
 * there are no indexes, and pagination takes its bookmark from the API call.
 */

import { parseFieldPath } from "./field-path.ts";
import { isJsonObject, type JsonValue } from "./json.ts";
import { normalizeSelector, queryError, type Selector } from "./selector.ts";

/** One sort key: a field path and its direction. */
export interface SortField {
  path: string[];
  descending: boolean;
}

/** A parsed rich query. */
export interface MangoQuery {
  selector: Selector;
  sort: SortField[];
  limit: number | undefined;
  skip: number;
  /** Field paths of the projection, or undefined for whole documents. */
  fields: string[][] | undefined;
}

const IGNORED_KEYS = new Set([
  "use_index",
  "bookmark",
  "r",
  "conflicts",
  "execution_stats",
  "stable",
  "update",
  "stale",
  "allow_fallback",
]);

/** The parsed query, or a `CONTRACT_QUERY_INVALID` error saying what is wrong. */
export function parseMangoQuery(text: unknown): MangoQuery {
  if (typeof text !== "string") throw queryError("the query must be a JSON string");
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw queryError(`not valid JSON (${(error as Error).message})`);
  }
  if (!isJsonObject(json)) throw queryError("the query must be a JSON object");
  for (const key of Object.keys(json)) {
    if (!["selector", "sort", "limit", "skip", "fields"].includes(key) && !IGNORED_KEYS.has(key)) {
      throw queryError(`unknown key "${key}"`);
    }
  }
  if (!Object.hasOwn(json, "selector")) throw queryError("Missing required key: selector");
  if (!isJsonObject(json.selector)) throw queryError("selector must be a JSON object");
  return {
    selector: normalizeSelector(json.selector),
    sort: parseSort(json.sort),
    limit: json.limit === undefined ? undefined : nonNegativeInteger(json.limit, "limit"),
    skip: json.skip === undefined ? 0 : nonNegativeInteger(json.skip, "skip"),
    fields: parseFields(json.fields),
  };
}

function parseSort(sort: JsonValue | undefined): SortField[] {
  if (sort === undefined) return [];
  if (!Array.isArray(sort)) throw queryError("sort must be an array");
  const fields = sort.map((entry): SortField => {
    if (typeof entry === "string") return { path: parseFieldPath(entry), descending: false };
    const keys = isJsonObject(entry) ? Object.keys(entry) : [];
    const direction = keys.length === 1 ? (entry as Record<string, JsonValue>)[keys[0]] : undefined;
    if (direction !== "asc" && direction !== "desc") {
      throw queryError(`invalid sort field ${JSON.stringify(entry)}: use "field" or {"field": "asc" | "desc"}`);
    }
    return { path: parseFieldPath(keys[0]), descending: direction === "desc" };
  });
  if (fields.some((field) => field.descending !== fields[0].descending)) {
    throw queryError("Sorts currently only support a single direction for all fields.");
  }
  return fields;
}

function parseFields(fields: JsonValue | undefined): string[][] | undefined {
  if (fields === undefined) return undefined;
  if (!Array.isArray(fields) || fields.some((field) => typeof field !== "string")) {
    throw queryError("fields must be an array of field names");
  }
  return (fields as string[]).map(parseFieldPath);
}

function nonNegativeInteger(value: JsonValue, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw queryError(`${name} must be a non-negative integer`);
  }
  return value;
}
