/**
 * An in-memory chain for contract tests, standing in for the runtime: one
 * `dispatch` per transaction over committed state, the transaction's writes
 * in an overlay that reads see, committed only when the invocation
 * succeeds (a failed transaction changes nothing, as on the chain), range
 * reads in code-point key order merged with the overlay, events kept per
 * transaction, and counts of the writes each transaction made.
 */
import { type ContractHost, dispatch, type HostIdentity, type HostKeyValue } from "@citychain/contract-api";
import { supplyChainChaincode } from "../../../src/contracts/index.ts";

/** Who signs a transaction: organisation, role and further certificate attributes. */
export interface TestIdentity {
  name: string;
  mspId: string;
  role: "admin" | "member" | "node" | "device";
  attributes?: Record<string, string>;
}

/** What one transaction (or evaluation) gave back. */
export interface TxResult {
  status: number;
  message: string;
  code?: string;
  /** The payload parsed as JSON (or its text when it is not JSON). */
  value: unknown;
  events: Array<{ name: string; payload: Record<string, unknown> }>;
  /** Distinct keys written (the runtime's write-set measure) and calls to putState/deleteState. */
  writtenKeys: number;
  writeCalls: number;
  rangeCalls: number;
  txId: string;
}

function compareKeys(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const d = (left[i].codePointAt(0) as number) - (right[i].codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return left.length - right.length;
}

/** Index of the first key >= `key` in a sorted array. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class TestLedger {
  readonly state = new Map<string, Uint8Array>();
  /** Committed keys in code-point order. */
  readonly #keys: string[] = [];
  #txCount = 0;
  timeMs: number;

  constructor(startMs = Date.UTC(2025, 0, 2)) {
    this.timeMs = startMs;
  }

  /** Submits a transaction: `fn` is "Contract:Fn"; block time advances one second per transaction. */
  submit(
    who: TestIdentity,
    fn: string,
    args: string[],
    options: { transient?: Record<string, string> } = {},
  ): Promise<TxResult> {
    this.timeMs += 1000;
    return this.#run(who, fn, args, false, options.transient ?? {});
  }

  /** Evaluates (a query): no writes, nothing committed. */
  evaluate(who: TestIdentity, fn: string, args: string[]): Promise<TxResult> {
    return this.#run(who, fn, args, true, {});
  }

  /** A digest of committed state, to show that a failed transaction left it unchanged. */
  snapshot(): string {
    return this.#keys.map((key) => `${key}=${new TextDecoder().decode(this.state.get(key))}`).join("\n");
  }

  async #run(
    who: TestIdentity,
    fn: string,
    args: string[],
    readOnly: boolean,
    transient: Record<string, string>,
  ): Promise<TxResult> {
    this.#txCount += 1;
    const txId = this.#txCount.toString(16).padStart(64, "0");
    const overlay = new Map<string, Uint8Array | null>();
    const events: Array<{ name: string; payload: Uint8Array }> = [];
    let writeCalls = 0;
    let rangeCalls = 0;
    const write = (key: string, value: Uint8Array | null) => {
      if (readOnly)
        throw Object.assign(new Error("writes are not allowed in an evaluation"), { code: "CONTRACT_READ_ONLY" });
      writeCalls++;
      overlay.set(key, value);
    };
    const creator: HostIdentity = {
      mspId: who.mspId,
      id: `x509::/CN=${who.name}/O=${who.mspId}::/CN=ca.${who.mspId}`,
      certPem: "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n",
      attributes: { role: who.role, ...who.attributes },
    };
    const unavailable = (): never => {
      throw Object.assign(new Error("private data is not available"), { code: "CONTRACT_PRIVATE_DATA_UNAVAILABLE" });
    };
    const host: ContractHost = {
      txId,
      channelId: "citychain-test",
      timestampMs: this.timeMs,
      args: [fn, ...args],
      transient: Object.entries(transient).map(([k, v]) => [k, new TextEncoder().encode(v)] as const),
      creator,
      readOnly,
      getState: (key) => (overlay.has(key) ? (overlay.get(key) ?? undefined) : this.state.get(key)),
      putState: (key, value) => write(key, Uint8Array.from(value)),
      deleteState: (key) => write(key, null),
      getStateRange: (startKey, endKey, limit) => {
        rangeCalls++;
        return this.#range(overlay, startKey, endKey, limit);
      },
      getHistory: () => [],
      setEvent: (name, payload) => {
        if (readOnly)
          throw Object.assign(new Error("events are not allowed in an evaluation"), { code: "CONTRACT_READ_ONLY" });
        events.push({ name, payload: Uint8Array.from(payload) });
      },
      invokeChaincode: () => ({ status: 500, message: "no other chaincode here", payload: new Uint8Array(0) }),
      getPrivateData: unavailable,
      getPrivateDataHash: unavailable,
      putPrivateData: unavailable,
      deletePrivateData: unavailable,
      purgePrivateData: unavailable,
      getPrivateDataRange: unavailable,
      setValidationParameter: unavailable,
      getValidationParameter: () => undefined,
      log: () => {},
    };
    const result = await dispatch(supplyChainChaincode, host);
    if (result.status === 200 && !readOnly) this.#commit(overlay);
    const text = new TextDecoder().decode(result.payload);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {}
    return {
      status: result.status,
      message: result.message,
      ...(result.code === undefined ? {} : { code: result.code }),
      value,
      events:
        result.status === 200
          ? events.map((e) => ({ name: e.name, payload: JSON.parse(new TextDecoder().decode(e.payload)) }))
          : [],
      writtenKeys: overlay.size,
      writeCalls,
      rangeCalls,
      txId,
    };
  }

  #commit(overlay: Map<string, Uint8Array | null>): void {
    for (const [key, value] of overlay) {
      const at = lowerBound(this.#keys, key);
      const present = this.#keys[at] === key;
      if (value === null) {
        if (present) this.#keys.splice(at, 1);
        this.state.delete(key);
      } else {
        if (!present) this.#keys.splice(at, 0, key);
        this.state.set(key, value);
      }
    }
  }

  #range(overlay: Map<string, Uint8Array | null>, startKey: string, endKey: string, limit: number): HostKeyValue[] {
    const inRange = (key: string) => compareKeys(key, startKey) >= 0 && (endKey === "" || compareKeys(key, endKey) < 0);
    const pending = [...overlay.keys()].filter(inRange);
    const out: HostKeyValue[] = [];
    const candidates: string[] = [];
    for (
      let i = lowerBound(this.#keys, startKey);
      i < this.#keys.length && candidates.length < limit + pending.length;
      i++
    ) {
      if (!inRange(this.#keys[i])) break;
      candidates.push(this.#keys[i]);
    }
    for (const key of [...new Set([...candidates, ...pending])].sort(compareKeys)) {
      const value = overlay.has(key) ? overlay.get(key) : this.state.get(key);
      if (value === null || value === undefined) continue;
      out.push({ key, value: Uint8Array.from(value) });
      if (out.length === limit) break;
    }
    return out;
  }
}
