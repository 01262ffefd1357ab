/**
 * The host side of the boundary (the realm side is `realm/host-proxy.ts`).
 * The bridge checks every argument again (the realm is not trusted), copies
 * bytes out of the realm, calls the invocation's `ContractHost`, and builds
 * every result inside the realm with `RealmValues`. It never lets a host
 * object through: its own errors become realm errors with the same code.
 */
import { isUint8Array } from "node:util/types";
import type { ContractHost, HostHistoryEntry, HostKeyValue } from "@citychain/contract-api/host";
import { ErrorCode } from "@citychain/protocol";
import type { HostBridge, HostFields, RealmValues } from "./realm/types.ts";

class BridgeArgumentError extends Error {
  readonly code = ErrorCode.CONTRACT_HOST_ARGS_INVALID;
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string") throw new BridgeArgumentError(`${what} must be a string`);
  return value;
}

function count(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new BridgeArgumentError(`${what} must be a non-negative integer`);
  }
  return value as number;
}

/** A host copy of a realm byte array; never a view of the realm's memory. */
function bytesIn(value: unknown, what: string): Uint8Array {
  if (!isUint8Array(value)) throw new BridgeArgumentError(`${what} must be a Uint8Array`);
  return new Uint8Array(value);
}

function level(value: unknown): "debug" | "info" | "warn" | "error" {
  if (value === "debug" || value === "info" || value === "warn" || value === "error") return value;
  throw new BridgeArgumentError("log level must be debug, info, warn or error");
}

function stringsIn(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new BridgeArgumentError(`${what} must be an array`);
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) out.push(text(value[i], `${what}[${i}]`));
  return out;
}

export interface HostBridgeHandle {
  bridge: HostBridge;
  /** Refuses every later call (the invocation is over). */
  close(): void;
}

export function createHostBridge(host: ContractHost, values: RealmValues): HostBridgeHandle {
  let open = true;
  const bytesOut = (value: Uint8Array | undefined): Uint8Array | undefined =>
    value === undefined ? undefined : values.bytes(value);
  const keyValues = (entries: HostKeyValue[]): unknown[] =>
    values.list(
      entries.map((e) =>
        values.record([
          ["key", e.key],
          ["value", values.bytes(e.value)],
        ]),
      ),
    );
  const history = (entries: HostHistoryEntry[]): unknown[] =>
    values.list(
      entries.map((e) =>
        values.record([
          ["txId", e.txId],
          ["timestampMs", e.timestampMs],
          ["isDelete", e.isDelete],
          ["value", values.bytes(e.value)],
        ]),
      ),
    );

  // Methods without a result answer undefined explicitly: whatever the host
  // implementation returns is a host object that must not reach the realm.
  const run = (method: string, a: unknown, b: unknown, c: unknown, d: unknown): unknown => {
    switch (method) {
      case "getState":
        return bytesOut(host.getState(text(a, "key")));
      case "putState":
        host.putState(text(a, "key"), bytesIn(b, "value"));
        return undefined;
      case "deleteState":
        host.deleteState(text(a, "key"));
        return undefined;
      case "getStateRange":
        return keyValues(host.getStateRange(text(a, "startKey"), text(b, "endKey"), count(c, "limit")));
      case "getHistory":
        return history(host.getHistory(text(a, "key"), count(b, "limit")));
      case "setEvent":
        host.setEvent(text(a, "event name"), bytesIn(b, "event payload"));
        return undefined;
      case "invokeChaincode": {
        const r = host.invokeChaincode(text(a, "chaincode name"), stringsIn(b, "args"), text(c, "channel"));
        return values.record([
          ["status", r.status],
          ["message", r.message],
          ["payload", values.bytes(r.payload)],
        ]);
      }
      case "getPrivateData":
        return bytesOut(host.getPrivateData(text(a, "collection"), text(b, "key")));
      case "getPrivateDataHash":
        return bytesOut(host.getPrivateDataHash(text(a, "collection"), text(b, "key")));
      case "putPrivateData":
        host.putPrivateData(text(a, "collection"), text(b, "key"), bytesIn(c, "value"));
        return undefined;
      case "deletePrivateData":
        host.deletePrivateData(text(a, "collection"), text(b, "key"));
        return undefined;
      case "purgePrivateData":
        host.purgePrivateData(text(a, "collection"), text(b, "key"));
        return undefined;
      case "getPrivateDataRange":
        return keyValues(
          host.getPrivateDataRange(text(a, "collection"), text(b, "startKey"), text(c, "endKey"), count(d, "limit")),
        );
      case "setValidationParameter":
        host.setValidationParameter(text(a, "collection"), text(b, "key"), bytesIn(c, "policy"));
        return undefined;
      case "getValidationParameter":
        return bytesOut(host.getValidationParameter(text(a, "collection"), text(b, "key")));
      case "log":
        host.log(level(a), text(b, "message"));
        return undefined;
      default:
        throw new BridgeArgumentError(`the host has no method ${String(method)}`);
    }
  };

  const bridge: HostBridge = (method, a, b, c, d) => {
    if (!open) throw values.error(ErrorCode.CONTRACT_HOST_CLOSED, "the transaction of this host call has ended");
    try {
      return run(text(method, "method"), a, b, c, d);
    } catch (e) {
      if (values.isError(e)) throw e;
      const code = typeof (e as { code?: unknown })?.code === "string" ? (e as { code: string }).code : undefined;
      throw values.error(code ?? ErrorCode.CONTRACT_FAILED, e instanceof Error ? e.message : String(e));
    }
  };

  return {
    bridge,
    close: () => {
      open = false;
    },
  };
}

/** The invocation's fixed fields, built in the realm. */
export function hostFieldsIn(host: ContractHost, values: RealmValues): HostFields {
  return {
    txId: String(host.txId),
    channelId: String(host.channelId),
    timestampMs: Number(host.timestampMs),
    readOnly: host.readOnly === true,
    args: values.list(host.args.map((arg) => String(arg))),
    transient: values.list(host.transient.map(([key, value]) => values.list([String(key), values.bytes(value)]))),
    creator: values.record([
      ["mspId", String(host.creator.mspId)],
      ["id", String(host.creator.id)],
      ["certPem", String(host.creator.certPem)],
      ["attributes", values.record(Object.entries(host.creator.attributes).map(([k, v]) => [k, String(v)] as const))],
    ]),
  };
}
