import { setOwn } from "../own-property.ts";

/**
 * A value turned into plain data before `JSON.stringify`, as Fabric's
 * serializer does with class-transformer's `classToPlain`: own enumerable
 * properties only (so a class's prototype `toJSON` is not used), own
 * function-valued properties are called and replaced by their result, a `Map`
 * becomes an object, a `Set` an array, a `Buffer` stays a `Buffer` (so it
 * serializes as `{"type":"Buffer","data":[...]}`) and a `Date` stays a `Date`.
 * A cycle raises the error `JSON.stringify` would (class-transformer would
 * overflow the stack instead).
 */
export function toPlain(value: unknown): unknown {
  return convert(value, []);
}

function convert(value: unknown, ancestors: object[]): unknown {
  if (value === null || value === undefined || typeof value !== "object") return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (ancestors.includes(value)) throw new TypeError("Converting circular structure to JSON");
  const path = [...ancestors, value];
  if (Array.isArray(value) || value instanceof Set) return Array.from(value, (item) => convert(item, path));
  const plain: Record<string, unknown> = {};
  if (value instanceof Map) {
    for (const [key, item] of value) setOwn(plain, String(key), convert(item, path));
    return plain;
  }
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const item = source[key];
    setOwn(plain, key, convert(typeof item === "function" ? item.call(source) : item, path));
  }
  return plain;
}
