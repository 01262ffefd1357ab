/**
 * The `ContractHost` the contract API sees: an object of this realm whose
 * methods check their arguments, hand only primitives and realm byte views to
 * the host's bridge, and turn anything the bridge throws into an error of
 * this realm. The bridge is a host function, kept in this closure: contract
 * code can call the methods but never reach the bridge, whose constructor
 * would be the host's `Function` (a way out of the sandbox).
 */
import type { ContractHost } from "@citychain/contract-api/host";
import { codedError, codeOf, messageOf } from "./errors.ts";
import type { HostBridge, HostFields } from "./types.ts";

export interface HostProxy {
  host: ContractHost;
  /** Makes every later call fail: an invocation's host is not usable after it. */
  close(): void;
}

export function createHostProxy(
  bridge: HostBridge,
  fields: HostFields,
  codes: { hostClosed: string; hostArgsInvalid: string },
): HostProxy {
  let open = true;

  const text = (value: unknown, what: string): string => {
    if (typeof value !== "string") throw codedError(codes.hostArgsInvalid, `${what} must be a string`);
    return value;
  };
  const count = (value: unknown, what: string): number => {
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw codedError(codes.hostArgsInvalid, `${what} must be a non-negative integer`);
    }
    return value as number;
  };
  const bytes = (value: unknown, what: string): Uint8Array => {
    if (!ArrayBuffer.isView(value)) throw codedError(codes.hostArgsInvalid, `${what} must be a Buffer or Uint8Array`);
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  };
  const call = (method: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown): unknown => {
    if (!open) {
      throw codedError(
        codes.hostClosed,
        `the transaction this ${method} call belongs to has ended; a contract cannot use a context after its transaction`,
      );
    }
    try {
      return bridge(method, a, b, c, d);
    } catch (e) {
      if (e instanceof Error) throw e;
      // Not an error of this realm: rebuild it rather than let it through.
      throw codedError(codeOf(e) ?? codes.hostArgsInvalid, messageOf(e));
    }
  };

  const host: ContractHost = Object.freeze({
    txId: fields.txId,
    channelId: fields.channelId,
    timestampMs: fields.timestampMs,
    args: Object.freeze(fields.args) as readonly string[],
    transient: Object.freeze(fields.transient) as ContractHost["transient"],
    creator: Object.freeze(fields.creator) as unknown as ContractHost["creator"],
    readOnly: fields.readOnly,
    getState: (key: string) => call("getState", text(key, "key")) as Uint8Array | undefined,
    putState: (key: string, value: Uint8Array) => {
      call("putState", text(key, "key"), bytes(value, "value"));
    },
    deleteState: (key: string) => {
      call("deleteState", text(key, "key"));
    },
    getStateRange: (startKey: string, endKey: string, limit: number) =>
      call("getStateRange", text(startKey, "startKey"), text(endKey, "endKey"), count(limit, "limit")) as ReturnType<
        ContractHost["getStateRange"]
      >,
    getHistory: (key: string, limit: number) =>
      call("getHistory", text(key, "key"), count(limit, "limit")) as ReturnType<ContractHost["getHistory"]>,
    setEvent: (name: string, payload: Uint8Array) => {
      call("setEvent", text(name, "event name"), bytes(payload, "event payload"));
    },
    invokeChaincode: (name: string, args: readonly string[], channel: string) => {
      if (!Array.isArray(args)) throw codedError(codes.hostArgsInvalid, "invokeChaincode args must be an array");
      const copy = Array.from(args, (arg, i) => text(arg, `invokeChaincode args[${i}]`));
      return call("invokeChaincode", text(name, "chaincode name"), copy, text(channel, "channel")) as ReturnType<
        ContractHost["invokeChaincode"]
      >;
    },
    getPrivateData: (collection: string, key: string) =>
      call("getPrivateData", text(collection, "collection"), text(key, "key")) as Uint8Array | undefined,
    getPrivateDataHash: (collection: string, key: string) =>
      call("getPrivateDataHash", text(collection, "collection"), text(key, "key")) as Uint8Array | undefined,
    putPrivateData: (collection: string, key: string, value: Uint8Array) => {
      call("putPrivateData", text(collection, "collection"), text(key, "key"), bytes(value, "value"));
    },
    deletePrivateData: (collection: string, key: string) => {
      call("deletePrivateData", text(collection, "collection"), text(key, "key"));
    },
    purgePrivateData: (collection: string, key: string) => {
      call("purgePrivateData", text(collection, "collection"), text(key, "key"));
    },
    getPrivateDataRange: (collection: string, startKey: string, endKey: string, limit: number) =>
      call(
        "getPrivateDataRange",
        text(collection, "collection"),
        text(startKey, "startKey"),
        text(endKey, "endKey"),
        count(limit, "limit"),
      ) as ReturnType<ContractHost["getPrivateDataRange"]>,
    setValidationParameter: (collection: string, key: string, policy: Uint8Array) => {
      call("setValidationParameter", text(collection, "collection"), text(key, "key"), bytes(policy, "policy"));
    },
    getValidationParameter: (collection: string, key: string) =>
      call("getValidationParameter", text(collection, "collection"), text(key, "key")) as Uint8Array | undefined,
    log: (level: "debug" | "info" | "warn" | "error", message: string) => {
      if (open) call("log", text(level, "level"), text(message, "message"));
    },
  });

  return {
    host,
    close: () => {
      open = false;
    },
  };
}
