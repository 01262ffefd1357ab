/**
 * Chaincode-wide annotation data: `@Object` schemas, `@Info` blocks and the
 * `@Default` contract. Fabric keeps these as metadata on `global`; here they
 * live in this module, which is one per sandbox (each contract's realm loads
 * its own copy of the API), so the scope is the same: everything decorated in
 * the chaincode's realm.
 */

import type { TypeSchema } from "./schema.ts";

/** A component schema of an `@Object()` class; `cnstr` is dropped from the published metadata. */
export interface ObjectSchema {
  $id: string;
  type?: "object";
  cnstr: new () => object;
  properties?: Record<string, TypeSchema>;
  discriminator?: { propertyName: string };
  allOf?: TypeSchema[];
}

/** `@Info` data of a contract class. */
export interface ContractInfo {
  title?: string;
  description?: string;
  version?: string;
  name?: string;
  [field: string]: unknown;
}

/** Registry contents, keyed by class name in decoration order. */
export interface AnnotationRegistry {
  objects: Record<string, ObjectSchema>;
  info: Record<string, ContractInfo>;
  defaultContractName: string | undefined;
}

export const registry: AnnotationRegistry = { objects: {}, info: {}, defaultContractName: undefined };
