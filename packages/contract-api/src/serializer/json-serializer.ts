import type { TypeSchema } from "../annotations/schema.ts";
import { setOwn } from "../own-property.ts";
import { resolveRef } from "./schema-validate.ts";
import { toPlain } from "./to-plain.ts";

/** A full schema as the serializer receives it: the parameter's schema under `properties.prop`. */
export interface SerializerSchema {
  properties: { prop: TypeSchema };
  components: { schemas: Record<string, TypeSchema> };
}

/** A parsed argument and the data to validate (Fabric's names). */
export interface ParsedValue {
  value: unknown;
  jsonForValidation: unknown;
}

/**
 * Fabric's `JSONSerializer`: the wire format of transaction arguments and
 * return values.
 *
 * Return values: strings, numbers and booleans become their text; `null` and
 * `undefined` no payload; anything else JSON of its plain form (a `Buffer`
 * therefore becomes `{"type":"Buffer","data":[...]}`, as in Fabric).
 *
 * Arguments: a `string` parameter takes the text as is, `number` takes
 * `Number(text)`, `boolean` takes `true`/`false` in any case, an `@Object`
 * type is parsed as JSON into an instance of its class, and an array parses
 * each element by its item type. Fabric passes each element back through as
 * JSON text, so the elements of a `string[]` keep their quotes (`["a"]`
 * gives `['"a"']`); that behaviour is kept so chaincode written against it
 * runs unchanged.
 */
export class JSONSerializer {
  /** The payload of a return value; `undefined` for no payload. */
  toBuffer(result: unknown, schema: TypeSchema = {}, _loggerPrefix?: string): Buffer | undefined {
    if (result === undefined || result === null) return undefined;
    if (schema.type === "string" || schema.type === "number") {
      if (schema.type !== typeof result) {
        throw new Error(`Returned value is ${typeof result} does not match schema type of ${schema.type}`);
      }
      return Buffer.from(String(result));
    }
    if (typeof result === "number" || typeof result === "string" || typeof result === "boolean") {
      return Buffer.from(String(result));
    }
    return Buffer.from(JSON.stringify(toPlain(result)));
  }

  /** Parses an argument's bytes by its schema. */
  fromBuffer(data: Uint8Array, fullschema: SerializerSchema, _loggerPrefix?: string): ParsedValue {
    if (!data) throw new Error("Buffer needs to be supplied");
    if (!fullschema) throw new Error("Schema has not been specified");
    return this.fromString(Buffer.from(data).toString("utf8"), fullschema);
  }

  /** Parses an argument's text by its schema. */
  fromString(text: string, fullschema: SerializerSchema): ParsedValue {
    const components = fullschema.components.schemas;
    let schema = fullschema.properties.prop;
    let constructorOf: (new () => object) | undefined;
    if (typeof schema.$ref === "string") {
      schema = { ...resolveRef(schema.$ref, components), type: "object" };
      constructorOf = (schema as { cnstr?: new () => object }).cnstr;
    }
    switch (schema.type) {
      case "string":
        return { value: text, jsonForValidation: JSON.stringify(text) };
      case "number": {
        const value = Number(text);
        if (Number.isNaN(value)) throw new Error("fromBuffer could not convert data to number");
        return { value, jsonForValidation: value };
      }
      case "boolean":
        return parseBoolean(text);
      case "array":
        return this.parseArray(text, schema, components);
      case "object":
        if (constructorOf) {
          const json: unknown = JSON.parse(text);
          return { value: toInstance(constructorOf, json), jsonForValidation: json };
        }
    }
    return parseLoose(text);
  }

  private parseArray(text: string, schema: TypeSchema, components: Record<string, TypeSchema>): ParsedValue {
    const json: unknown = JSON.parse(text);
    // Fabric calls `.map` on whatever was parsed; an explicit message says the same thing more plainly.
    if (!Array.isArray(json)) throw new Error('Unable to validate parameter due to ["should be array"]');
    const itemSchema: SerializerSchema = {
      properties: { prop: schema.items ?? {} },
      components: { schemas: components },
    };
    const value = json.map((item) => this.fromString(JSON.stringify(item), itemSchema).value);
    return { value, jsonForValidation: json };
  }
}

function parseBoolean(text: string): ParsedValue {
  const normalised = text.trim().toLowerCase();
  if (normalised !== "true" && normalised !== "false") throw new Error("fromBuffer could not convert data to boolean");
  const value = normalised === "true";
  return { value, jsonForValidation: value };
}

/** No usable type: JSON when it parses (a serialized Buffer becomes a Buffer), else the text itself. */
function parseLoose(text: string): ParsedValue {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === "object" && json !== null && (json as { type?: unknown }).type === "Buffer") {
      return { value: Buffer.from((json as { data: number[] }).data), jsonForValidation: json };
    }
    return { value: json, jsonForValidation: json };
  } catch {
    return { value: text, jsonForValidation: JSON.stringify(text) };
  }
}

/**
 * An instance of `cnstr` holding the parsed JSON's properties, as
 * class-transformer's `plainToClass` builds it without type hints: nested
 * objects stay plain.
 */
function toInstance(cnstr: new () => object, json: unknown): unknown {
  if (Array.isArray(json)) return json.map((item) => toInstance(cnstr, item));
  if (typeof json !== "object" || json === null) return json;
  const instance = new cnstr() as Record<string, unknown>;
  for (const key of Object.keys(json)) assign(instance, key, (json as Record<string, unknown>)[key]);
  return instance;
}

// A setter of the class runs, as with class-transformer's assignment; otherwise the value becomes an
// own property, which assignment would also make, except for `__proto__` or an inherited read-only
// member (such as `toString` once the sandbox has frozen Object.prototype).
function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key !== "__proto__" && hasInheritedSetter(target, key)) target[key] = value;
  else setOwn(target, key, value);
}

function hasInheritedSetter(target: object, key: string): boolean {
  for (let proto = Object.getPrototypeOf(target); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor) return typeof descriptor.set === "function";
  }
  return false;
}
