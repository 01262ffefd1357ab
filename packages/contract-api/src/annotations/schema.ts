/**
 * JSON-schema fragments for declared types, as Fabric's decorators write them
 * into the metadata: `string`/`number`/`boolean` (any case) are primitives,
 * `T[]` and `Array<T>` arrays, `Map<string, T>` objects with
 * `additionalProperties`, and any other name a reference to a component
 * schema (an `@Object()` class).
 */

/** A schema as it appears in the metadata. */
export interface TypeSchema {
  type?: string;
  items?: TypeSchema;
  additionalProperties?: TypeSchema;
  $ref?: string;
  [keyword: string]: unknown;
}

const REF_PATH = "#/components/schemas/";

// `[A-z]` is Fabric's pattern and also admits `[\]^_` and backquote; kept so that
// the same type strings are accepted.
const ARROWED_ARRAY = /^Array<[A-z].*>$/;
const BRACKET_ARRAY = /^[A-z].*(\[\])+?/;
const MAP = /^Map<[A-z].*,\s?[A-z].*>$/;

/**
 * The schema of a type name. References are `#/components/schemas/Name`, or
 * just `Name` inside object properties (`fullPath` false), as in Fabric.
 */
export function generateSchema(type: string, fullPath = true): TypeSchema {
  const primitive = type.toLowerCase();
  if (primitive === "string" || primitive === "number" || primitive === "boolean") return { type: primitive };
  if (ARROWED_ARRAY.test(type) || BRACKET_ARRAY.test(type)) {
    const itemType = ARROWED_ARRAY.test(type) ? type.replace("Array<", "").replace(">", "") : type.replace("[]", "");
    return { type: "array", items: generateSchema(itemType, fullPath) };
  }
  if (MAP.test(type)) {
    const valueType = type.replace(/^Map<[A-z].*?,\s?/, "").replace(">", "");
    return { type: "object", additionalProperties: generateSchema(valueType, fullPath) };
  }
  return { $ref: (fullPath ? REF_PATH : "") + type };
}

/** The component name a `$ref` points at (`#/components/schemas/X` or bare `X`). */
export function refName(ref: string): string {
  return ref.startsWith(REF_PATH) ? ref.slice(REF_PATH.length) : ref;
}

/** The name of a design-time type as Fabric reads it (`String`, `Asset`, ...). */
export function typeNameOf(designType: unknown): string {
  return typeof designType === "function" ? designType.name : String(designType);
}
