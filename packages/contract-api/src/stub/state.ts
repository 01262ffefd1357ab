/**
 * Public state, events, key-level endorsement policies and chaincode-to-
 * chaincode calls, on the host.
 */

import { bufferFromHost, valueToBytes } from "../bytes.ts";
import type { ContractHost } from "../host.ts";
import { validateStateKey } from "./keys.ts";

/** Fabric's `ChaincodeResponse` of a called chaincode. */
export interface ChaincodeResponse {
  status: number;
  message: string;
  payload: Buffer;
}

/** The value of `key`; a zero-length Buffer when it has none (as Fabric returns). */
export function getState(host: ContractHost, key: string): Buffer {
  validateStateKey(key);
  const value = host.getState(key);
  return value === undefined ? Buffer.alloc(0) : bufferFromHost(value);
}

/**
 * Writes `value` (bytes, or a string as UTF-8) under `key`. An empty value
 * deletes the key: Fabric's peer records a write of no bytes as a delete.
 */
export function putState(host: ContractHost, key: string, value: Uint8Array | string): void {
  validateStateKey(key);
  const bytes = valueToBytes(value, "value");
  if (bytes.length === 0) host.deleteState(key);
  else host.putState(key, bytes);
}

/** Deletes `key`. */
export function deleteState(host: ContractHost, key: string): void {
  validateStateKey(key);
  host.deleteState(key);
}

/** Sets the key-level endorsement policy of a key ("" collection for public state). */
export function setValidationParameter(
  host: ContractHost,
  collection: string,
  key: string,
  policy: Uint8Array | string,
): void {
  validateStateKey(key);
  host.setValidationParameter(collection, key, valueToBytes(policy, "endorsement policy"));
}

/** The key-level endorsement policy of a key, or undefined when none is set (Fabric gives no value then). */
export function getValidationParameter(host: ContractHost, collection: string, key: string): Buffer | undefined {
  validateStateKey(key);
  const policy = host.getValidationParameter(collection, key);
  return policy === undefined ? undefined : bufferFromHost(policy);
}

/** Emits the transaction's event (Fabric keeps only the last one set; the host decides). */
export function setEvent(host: ContractHost, name: string, payload: Uint8Array | string | undefined): void {
  if (typeof name !== "string" || name === "") throw new Error("Event name must be a non-empty string");
  host.setEvent(name, payload === undefined ? new Uint8Array(0) : valueToBytes(payload, "event payload"));
}

/**
 * Calls another contract in the same transaction. Arguments may be strings
 * or bytes (bytes are passed as their UTF-8 text: the host takes strings).
 * A failing callee gives its status and message; it does not throw.
 */
export function invokeChaincode(
  host: ContractHost,
  chaincodeName: string,
  args: ReadonlyArray<string | Uint8Array>,
  channel: string | undefined,
): ChaincodeResponse {
  if (typeof chaincodeName !== "string" || chaincodeName === "") {
    throw new Error("chaincodeName must be a non-empty string");
  }
  if (!Array.isArray(args)) throw new Error("args must be an array");
  const textArgs = args.map((arg) =>
    typeof arg === "string" ? arg : Buffer.from(valueToBytes(arg, "argument")).toString("utf8"),
  );
  const result = host.invokeChaincode(chaincodeName, textArgs, channel ?? "");
  return { status: result.status, message: result.message, payload: bufferFromHost(result.payload) };
}
