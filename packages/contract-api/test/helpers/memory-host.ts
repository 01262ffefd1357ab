/**
 * An in-memory `ContractHost` for unit tests, standing in for the runtime:
 * state, collections and history in sorted maps (keys in code point order,
 * the order of UTF-8 bytes), reads that see the transaction's own writes,
 * and the host's coded errors for writes during evaluation and for an
 * optional write limit.
 */

import type { ContractHost, HostHistoryEntry, HostIdentity, HostInvokeResult, HostKeyValue } from "../../src/host.ts";
import { compareKeys } from "../../src/mango/collate.ts";

/** Options of a test host. */
export interface MemoryHostOptions {
  args?: string[];
  txId?: string;
  channelId?: string;
  timestampMs?: number;
  readOnly?: boolean;
  transient?: Array<[string, Uint8Array]>;
  creator?: Partial<HostIdentity>;
  /** Writes allowed before `putState` throws `CONTRACT_WRITE_LIMIT`. */
  writeLimit?: number;
  invoke?: (name: string, args: readonly string[], channel: string) => HostInvokeResult;
}

/** A test host plus what the tests inspect. */
export interface MemoryHost extends ContractHost {
  args: string[];
  readOnly: boolean;
  readonly state: Map<string, Uint8Array>;
  readonly collections: Map<string, Map<string, Uint8Array>>;
  readonly history: Map<string, HostHistoryEntry[]>;
  readonly events: Array<{ name: string; payload: Uint8Array }>;
  readonly logs: Array<{ level: string; message: string }>;
  readonly policies: Map<string, Uint8Array>;
  readonly purged: string[];
  /** Calls the host made to `getStateRange`, for batching assertions. */
  readonly rangeCalls: Array<{ startKey: string; endKey: string; limit: number }>;
  /** Sets a UTF-8 value as committed state, recording history. */
  seed(key: string, value: string, txId?: string, timestampMs?: number): void;
}

/** Default identity of the signer. */
export const TEST_CREATOR: HostIdentity = {
  mspId: "Org1MSP",
  id: "x509::/C=US/ST=North Carolina/O=Hyperledger/OU=client/CN=user1::/C=US/ST=North Carolina/O=Hyperledger/CN=ca.org1",
  certPem: "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n",
  attributes: { role: "client", "hf.EnrollmentID": "user1", department: "parks" },
};

/** A fresh in-memory host. */
export function createMemoryHost(options: MemoryHostOptions = {}): MemoryHost {
  const state = new Map<string, Uint8Array>();
  const collections = new Map<string, Map<string, Uint8Array>>();
  const history = new Map<string, HostHistoryEntry[]>();
  const events: Array<{ name: string; payload: Uint8Array }> = [];
  const logs: Array<{ level: string; message: string }> = [];
  const policies = new Map<string, Uint8Array>();
  const purged: string[] = [];
  const rangeCalls: Array<{ startKey: string; endKey: string; limit: number }> = [];
  let writes = 0;

  const host: MemoryHost = {
    txId: options.txId ?? "ab".repeat(32),
    channelId: options.channelId ?? "citychain-test",
    timestampMs: options.timestampMs ?? 1_700_000_000_123,
    args: options.args ?? [],
    transient: options.transient ?? [],
    creator: { ...TEST_CREATOR, ...options.creator },
    readOnly: options.readOnly ?? false,
    state,
    collections,
    history,
    events,
    logs,
    policies,
    purged,
    rangeCalls,

    getState: (key) => copy(state.get(key)),
    putState(key, value) {
      checkWrite();
      state.set(key, Uint8Array.from(value));
      record(key, value, false);
    },
    deleteState(key) {
      checkWrite();
      state.delete(key);
      record(key, new Uint8Array(0), true);
    },
    getStateRange(startKey, endKey, limit) {
      rangeCalls.push({ startKey, endKey, limit });
      return range(state, startKey, endKey, limit);
    },
    getHistory: (key, limit) => (history.get(key) ?? []).slice(0, limit),
    setEvent(name, payload) {
      checkWrite();
      events.push({ name, payload: Uint8Array.from(payload) });
    },
    invokeChaincode(name, args, channel) {
      if (!options.invoke) return { status: 500, message: `chaincode ${name} not found`, payload: new Uint8Array(0) };
      return options.invoke(name, args, channel);
    },
    getPrivateData: (collection, key) => copy(collections.get(collection)?.get(key)),
    getPrivateDataHash(collection, key) {
      const value = collections.get(collection)?.get(key);
      // A stand-in digest: tests only check that it differs from the value and is absent for missing keys.
      return value === undefined ? undefined : Uint8Array.from([0xaa, value.length]);
    },
    putPrivateData(collection, key, value) {
      checkWrite();
      collectionOf(collection).set(key, Uint8Array.from(value));
    },
    deletePrivateData(collection, key) {
      checkWrite();
      collectionOf(collection).delete(key);
    },
    purgePrivateData(collection, key) {
      checkWrite();
      collectionOf(collection).delete(key);
      purged.push(`${collection}/${key}`);
    },
    getPrivateDataRange: (collection, startKey, endKey, limit) =>
      range(collectionOf(collection), startKey, endKey, limit),
    setValidationParameter(collection, key, policy) {
      checkWrite();
      policies.set(`${collection}/${key}`, Uint8Array.from(policy));
    },
    getValidationParameter: (collection, key) => copy(policies.get(`${collection}/${key}`)),
    log(level, message) {
      logs.push({ level, message });
    },
    seed(key, value, txId = "seed", timestampMs = 1_600_000_000_000) {
      const bytes = new TextEncoder().encode(value);
      state.set(key, bytes);
      const entries = history.get(key) ?? [];
      entries.unshift({ txId, timestampMs, isDelete: false, value: bytes });
      history.set(key, entries);
    },
  };

  function checkWrite(): void {
    if (host.readOnly) throw codedError("CONTRACT_READ_ONLY", "writes are not allowed in an evaluation");
    writes++;
    if (options.writeLimit !== undefined && writes > options.writeLimit) {
      throw codedError("CONTRACT_WRITE_LIMIT", `more than ${options.writeLimit} writes`);
    }
  }

  function record(key: string, value: Uint8Array, isDelete: boolean): void {
    const entries = history.get(key) ?? [];
    entries.unshift({ txId: host.txId, timestampMs: host.timestampMs, isDelete, value: Uint8Array.from(value) });
    history.set(key, entries);
  }

  function collectionOf(name: string): Map<string, Uint8Array> {
    let collection = collections.get(name);
    if (!collection) {
      collection = new Map();
      collections.set(name, collection);
    }
    return collection;
  }

  return host;
}

function range(map: Map<string, Uint8Array>, startKey: string, endKey: string, limit: number): HostKeyValue[] {
  return [...map.keys()]
    .filter((key) => compareKeys(key, startKey) >= 0 && (endKey === "" || compareKeys(key, endKey) < 0))
    .sort(compareKeys)
    .slice(0, limit)
    .map((key) => ({ key, value: Uint8Array.from(map.get(key)!) }));
}

function copy(value: Uint8Array | undefined): Uint8Array | undefined {
  return value === undefined ? undefined : Uint8Array.from(value);
}

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** UTF-8 text of bytes. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** UTF-8 bytes of text. */
export function utf8(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}
