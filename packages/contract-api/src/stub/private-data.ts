/** Private data collections on the host, with the shim's argument checks and messages. */

import { bufferFromHost, valueToBytes } from "../bytes.ts";
import type { ContractHost } from "../host.ts";
import { validateCollectionKey } from "./keys.ts";

/** The private value of `key` in `collection`; a zero-length Buffer when there is none. */
export function getPrivateData(host: ContractHost, collection: string, key: string): Buffer {
  validateCollectionKey(collection, key);
  const value = host.getPrivateData(collection, key);
  return value === undefined ? Buffer.alloc(0) : bufferFromHost(value);
}

/** The SHA-256 hash of the private value, readable by non-members; zero-length when there is none. */
export function getPrivateDataHash(host: ContractHost, collection: string, key: string): Buffer {
  validateCollectionKey(collection, key);
  const hash = host.getPrivateDataHash(collection, key);
  return hash === undefined ? Buffer.alloc(0) : bufferFromHost(hash);
}

/** Writes a private value; an empty value deletes the key, as for public state. */
export function putPrivateData(host: ContractHost, collection: string, key: string, value: Uint8Array | string): void {
  validateCollectionKey(collection, key);
  if (!value) throw new Error("value must be valid");
  const bytes = valueToBytes(value, "value");
  if (bytes.length === 0) host.deletePrivateData(collection, key);
  else host.putPrivateData(collection, key, bytes);
}

/** Deletes a private value (its hash records the deletion on chain). */
export function deletePrivateData(host: ContractHost, collection: string, key: string): void {
  validateCollectionKey(collection, key);
  host.deletePrivateData(collection, key);
}

/** Deletes a private value and its history from the private store. */
export function purgePrivateData(host: ContractHost, collection: string, key: string): void {
  validateCollectionKey(collection, key);
  host.purgePrivateData(collection, key);
}
