/**
 * Validation of an argument against its metadata schema, standing in for the
 * AJV (draft-07, v6) validation Fabric runs: the keywords Fabric's
 * decorators produce (`type`, `properties`, `items`, `additionalProperties`,
 * `allOf`, `$ref`, plus `required` and `enum` from hand-written schemas),
 * with AJV 6's messages ("should be number") collected as with `allErrors`.
 */

import { refName, type TypeSchema } from "../annotations/schema.ts";

/** Component schemas by name, as the metadata holds them. */
export type ComponentSchemas = Record<string, TypeSchema>;

/** Every failure message, in schema order; empty when the value is valid. */
export function validateValue(value: unknown, schema: TypeSchema, components: ComponentSchemas): string[] {
  const errors: string[] = [];
  check(value, schema, components, errors);
  return errors;
}

/** The component a `$ref` names, or Fabric's (AJV's) error when it does not exist. */
export function resolveRef(ref: string, components: ComponentSchemas): TypeSchema {
  const name = refName(ref);
  const schema = Object.hasOwn(components, name) ? components[name] : undefined;
  if (schema === undefined) throw new Error(`can't resolve reference ${ref} from id #`);
  return schema;
}

function check(value: unknown, schema: TypeSchema, components: ComponentSchemas, errors: string[]): void {
  if (typeof schema.$ref === "string") {
    check(value, resolveRef(schema.$ref, components), components, errors);
    return;
  }
  if (typeof schema.type === "string" && !hasType(value, schema.type)) {
    errors.push(`should be ${schema.type}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    errors.push("should be equal to one of the allowed values");
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf as TypeSchema[]) check(value, part, components, errors);
  }
  if (Array.isArray(value) && schema.items) {
    for (const item of value) check(item, schema.items, components, errors);
  }
  if (isObject(value)) checkObject(value, schema, components, errors);
}

function checkObject(
  value: Record<string, unknown>,
  schema: TypeSchema,
  components: ComponentSchemas,
  errors: string[],
): void {
  if (Array.isArray(schema.required)) {
    for (const name of schema.required as string[]) {
      if (!Object.hasOwn(value, name)) errors.push(`should have required property '${name}'`);
    }
  }
  const properties = (schema.properties ?? {}) as Record<string, TypeSchema>;
  for (const name of Object.keys(properties)) {
    if (Object.hasOwn(value, name) && value[name] !== undefined)
      check(value[name], properties[name], components, errors);
  }
  if (schema.additionalProperties) {
    for (const name of Object.keys(value)) {
      if (!Object.hasOwn(properties, name)) check(value[name], schema.additionalProperties, components, errors);
    }
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
