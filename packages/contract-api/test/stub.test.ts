import { describe, expect, it } from "vitest";
import { HISTORY_QUERY_ENTRIES_MAX, RANGE_QUERY_BATCH_KEYS, RANGE_QUERY_KEYS_MAX } from "../src/limits.ts";
import { ChaincodeStub } from "../src/stub/stub.ts";
import { createMemoryHost, text, utf8 } from "./helpers/memory-host.ts";

async function keysOf(iterable: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const kv of iterable) keys.push(kv.key);
  return keys;
}

describe("state", () => {
  it("returns a zero-length Buffer for a missing key and the bytes of a present one", async () => {
    const host = createMemoryHost();
    host.seed("a", "alpha");
    const stub = new ChaincodeStub(host);
    const missing = await stub.getState("nope");
    expect(Buffer.isBuffer(missing)).toBe(true);
    expect(missing.length).toBe(0);
    const present = await stub.getState("a");
    expect(Buffer.isBuffer(present)).toBe(true);
    expect(present.toString()).toBe("alpha");
  });

  it("writes strings as UTF-8 and bytes as given, copies them, and deletes", async () => {
    const host = createMemoryHost();
    const stub = new ChaincodeStub(host);
    await stub.putState("s", "héllo");
    const bytes = Buffer.from([1, 2, 3]);
    await stub.putState("b", bytes);
    bytes[0] = 9;
    expect(text(host.state.get("s")!)).toBe("héllo");
    expect([...host.state.get("b")!]).toEqual([1, 2, 3]);
    await stub.deleteState("s");
    expect(host.state.has("s")).toBe(false);
  });

  it("treats a write of no bytes as a delete, as Fabric's peer does", async () => {
    const host = createMemoryHost();
    host.seed("k", "v");
    await new ChaincodeStub(host).putState("k", Buffer.alloc(0));
    expect(host.state.has("k")).toBe(false);
    expect(host.history.get("k")![0].isDelete).toBe(true);
  });

  it("rejects empty, non-string and non-UTF-8 keys and non-byte values with coded errors", async () => {
    const stub = new ChaincodeStub(createMemoryHost());
    await expect(stub.putState("", "v")).rejects.toMatchObject({
      code: "CONTRACT_KEY_INVALID",
      message: "key must not be an empty string",
    });
    await expect(stub.getState(42 as unknown as string)).rejects.toMatchObject({ code: "CONTRACT_KEY_INVALID" });
    await expect(stub.deleteState("a\ud800b")).rejects.toThrow("must be a UTF-8 string");
    await expect(stub.putState("k", { a: 1 } as unknown as string)).rejects.toThrow(
      "value must be a Buffer, a Uint8Array or a string",
    );
  });
});

describe("range queries", () => {
  function host() {
    const h = createMemoryHost();
    for (const key of ["a", "b", "c", "d"]) h.seed(key, `v-${key}`);
    h.seed("\u0000color\u0000blue\u0000a\u0000", "\u0000");
    return h;
  }

  it("excludes composite keys when the start key is empty (Fabric's substitute start key)", async () => {
    const h = host();
    expect(await keysOf(new ChaincodeStub(h).getStateByRange("", ""))).toEqual(["a", "b", "c", "d"]);
    expect(h.rangeCalls[0].startKey).toBe("\u0001");
  });

  it("includes the start key and excludes the end key", async () => {
    expect(await keysOf(new ChaincodeStub(host()).getStateByRange("b", "d"))).toEqual(["b", "c"]);
  });

  it("rejects bounds in the composite key namespace", async () => {
    await expect(new ChaincodeStub(host()).getStateByRange("\u0000x", "")).rejects.toThrow(
      "first character of the key [\u0000x] contains a null character which is not allowed",
    );
  });

  it("walks with next() and close() and gives Fabric's {key, value} items", async () => {
    const iterator = await new ChaincodeStub(host()).getStateByRange("a", "");
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect(Object.keys(first.value!)).toEqual(["key", "value"]);
    expect(first.value!.key).toBe("a");
    expect(first.value!.value.toString()).toBe("v-a");
    await iterator.close();
    expect(await iterator.next()).toEqual({ done: true });
  });

  it("fetches lazily in batches, so a loop that breaks early reads one batch", async () => {
    const h = createMemoryHost();
    for (let i = 0; i < RANGE_QUERY_BATCH_KEYS * 2 + 5; i++) h.seed(`k${String(i).padStart(4, "0")}`, "v");
    const stub = new ChaincodeStub(h);
    expect(await keysOf(stub.getStateByRange("", ""))).toHaveLength(RANGE_QUERY_BATCH_KEYS * 2 + 5);
    expect(h.rangeCalls.map((call) => call.startKey)).toEqual(["\u0001", "k0099\u0000", "k0199\u0000"]);

    h.rangeCalls.length = 0;
    for await (const kv of stub.getStateByRange("", "")) if (kv.key === "k0002") break;
    expect(h.rangeCalls).toHaveLength(1);
  });

  it(`fails with CONTRACT_QUERY_LIMIT past RANGE_QUERY_KEYS_MAX (${RANGE_QUERY_KEYS_MAX}) keys`, async () => {
    // A host with endless keys k0000000, k0000001, ... made on demand.
    const endless = createMemoryHost();
    endless.getStateRange = (startKey, _endKey, limit) => {
      const first = startKey.startsWith("k") ? Number(startKey.slice(1, 8)) + 1 : 0;
      return Array.from({ length: limit }, (_, i) => ({
        key: `k${String(first + i).padStart(7, "0")}`,
        value: utf8("v"),
      }));
    };
    let count = 0;
    const walk = async () => {
      for await (const _kv of new ChaincodeStub(endless).getStateByRange("", "")) count++;
    };
    await expect(walk()).rejects.toMatchObject({ code: "CONTRACT_QUERY_LIMIT" });
    expect(count).toBe(RANGE_QUERY_KEYS_MAX);
    await expect(
      new ChaincodeStub(endless).getStateByRangeWithPagination("", "", RANGE_QUERY_KEYS_MAX + 1),
    ).rejects.toMatchObject({
      code: "CONTRACT_QUERY_LIMIT",
    });
  });

  it("pages with bookmarks: the next key, then an empty bookmark at the end", async () => {
    const stub = new ChaincodeStub(host());
    const first = await stub.getStateByRangeWithPagination("", "", 3, "");
    expect(await keysOf(first.iterator)).toEqual(["a", "b", "c"]);
    expect(first.metadata).toEqual({ bookmark: "d", fetchedRecordsCount: 3 });
    const second = await stub.getStateByRangeWithPagination("", "", 3, first.metadata.bookmark);
    expect(await keysOf(second.iterator)).toEqual(["d"]);
    expect(second.metadata).toEqual({ bookmark: "", fetchedRecordsCount: 1 });
    expect(await keysOf(stub.getStateByRangeWithPagination("b", "d", "1" as unknown as number))).toEqual(["b"]);
    await expect(stub.getStateByRangeWithPagination("", "", 1.5)).rejects.toMatchObject({
      code: "CONTRACT_QUERY_INVALID",
    });
  });
});

describe("composite keys", () => {
  const stub = new ChaincodeStub(createMemoryHost());

  it("uses Fabric's byte format", () => {
    const key = stub.createCompositeKey("color~name", ["blue", "asset1"]);
    expect(key).toBe("\u0000color~name\u0000blue\u0000asset1\u0000");
    expect([...Buffer.from(key)]).toEqual([
      0,
      ...Buffer.from("color~name"),
      0,
      ...Buffer.from("blue"),
      0,
      ...Buffer.from("asset1"),
      0,
    ]);
    expect(stub.createCompositeKey("t", [])).toBe("\u0000t\u0000");
  });

  it("splits back into type and attributes", () => {
    const key = stub.createCompositeKey("owner~asset", ["Tom", "a1", "ünï"]);
    expect(stub.splitCompositeKey(key)).toEqual({ objectType: "owner~asset", attributes: ["Tom", "a1", "ünï"] });
    expect(stub.splitCompositeKey(stub.createCompositeKey("t", []))).toEqual({ objectType: "t", attributes: [] });
    expect(stub.splitCompositeKey("simple")).toEqual({ objectType: null, attributes: [] });
  });

  it("rejects empty types and attributes with Fabric's message", () => {
    expect(() => stub.createCompositeKey("", ["a"])).toThrow("object type or attribute not a non-zero length string");
    expect(() => stub.createCompositeKey("t", ["a", ""])).toThrow(
      "object type or attribute not a non-zero length string",
    );
    expect(() => stub.createCompositeKey("t", "a" as unknown as string[])).toThrow("attributes must be an array");
  });

  it("finds keys by partial composite key, bounded by U+10FFFF, and pages them", async () => {
    const h = createMemoryHost();
    const s = new ChaincodeStub(h);
    for (const [color, name] of [
      ["blue", "a1"],
      ["blue", "a2"],
      ["blue", "\u{1F600}"],
      ["bluer", "a3"],
      ["red", "a4"],
    ]) {
      await s.putState(s.createCompositeKey("color~name", [color, name]), "\u0000");
    }
    await s.putState("plain", "x");
    const names = async (iterable: AsyncIterable<{ key: string }>) =>
      (await keysOf(iterable)).map((key) => s.splitCompositeKey(key).attributes.join("/"));
    expect(await names(s.getStateByPartialCompositeKey("color~name", ["blue"]))).toEqual([
      "blue/a1",
      "blue/a2",
      "blue/\u{1F600}",
    ]);
    expect(await names(s.getStateByPartialCompositeKey("color~name", []))).toHaveLength(5);
    const page = await s.getStateByPartialCompositeKeyWithPagination("color~name", ["blue"], 2, "");
    expect(await names(page.iterator)).toEqual(["blue/a1", "blue/a2"]);
    expect(page.metadata.bookmark).toBe(s.createCompositeKey("color~name", ["blue", "\u{1F600}"]));
    const next = await s.getStateByPartialCompositeKeyWithPagination("color~name", ["blue"], 2, page.metadata.bookmark);
    expect(await names(next.iterator)).toEqual(["blue/\u{1F600}"]);
    expect(next.metadata).toEqual({ bookmark: "", fetchedRecordsCount: 1 });
  });
});

describe("history", () => {
  it("lists past values newest first with Fabric's entry shape", async () => {
    const h = createMemoryHost({ timestampMs: 1_700_000_123_456 });
    h.seed("k", "v1", "tx-1", 1_600_000_000_250);
    const stub = new ChaincodeStub(h);
    await stub.putState("k", "v2");
    await stub.deleteState("k");
    const entries = [];
    for await (const entry of stub.getHistoryForKey("k")) entries.push(entry);
    expect(entries.map((entry) => ({ ...entry, value: entry.value.toString() }))).toEqual([
      { txId: h.txId, value: "", isDelete: true, timestamp: { seconds: 1_700_000_123, nanos: 456_000_000 } },
      { txId: h.txId, value: "v2", isDelete: false, timestamp: { seconds: 1_700_000_123, nanos: 456_000_000 } },
      { txId: "tx-1", value: "v1", isDelete: false, timestamp: { seconds: 1_600_000_000, nanos: 250_000_000 } },
    ]);
    expect(Object.keys(entries[0])).toEqual(["txId", "value", "isDelete", "timestamp"]);
  });
});

describe("history bound", () => {
  it(`fails with CONTRACT_QUERY_LIMIT past HISTORY_QUERY_ENTRIES_MAX (${HISTORY_QUERY_ENTRIES_MAX}) values`, async () => {
    const h = createMemoryHost();
    h.getHistory = (_key, limit) =>
      Array.from({ length: limit }, (_, i) => ({ txId: `t${i}`, timestampMs: i, isDelete: false, value: utf8("v") }));
    await expect(new ChaincodeStub(h).getHistoryForKey("k")).rejects.toMatchObject({ code: "CONTRACT_QUERY_LIMIT" });
  });
});

describe("transaction information", () => {
  const host = createMemoryHost({
    args: ["transfer", "a1", "Bob"],
    timestampMs: 1_700_000_000_123,
    transient: [
      ["secret", utf8("s3cr3t")],
      ["price", utf8("100")],
    ],
  });
  const stub = new ChaincodeStub(host);

  it("gives arguments, function and parameters", () => {
    expect(stub.getArgs()).toEqual(["transfer", "a1", "Bob"]);
    expect(stub.getStringArgs()).toBe(stub.getArgs());
    expect(stub.getFunctionAndParameters()).toEqual({ fcn: "transfer", params: ["a1", "Bob"] });
    expect(new ChaincodeStub(createMemoryHost()).getFunctionAndParameters()).toEqual({ fcn: "", params: [] });
    expect(stub.getBufferArgs()[1].toString()).toBe("a1");
  });

  it("gives ids, channel, creator and the signer's MSP id", () => {
    expect(stub.getTxID()).toBe(host.txId);
    expect(stub.getChannelID()).toBe("citychain-test");
    expect(stub.getCreator().mspid).toBe("Org1MSP");
    expect(Buffer.from(stub.getCreator().idBytes).toString()).toBe(host.creator.certPem);
    expect(stub.getMspID()).toBe("Org1MSP");
    expect(stub.getBinding()).toBe(host.txId);
  });

  it("gives the transient map in order, as Buffers", () => {
    const transient = stub.getTransient();
    expect([...transient.keys()]).toEqual(["secret", "price"]);
    expect(Buffer.isBuffer(transient.get("secret"))).toBe(true);
    expect(transient.get("secret")!.toString()).toBe("s3cr3t");
    expect(stub.getSignedProposal().proposal.payload.transientMap).toBe(transient);
  });

  it("gives the block time as Fabric's timestamp (seconds shaped like a Long) and as a Date", () => {
    const timestamp = stub.getTxTimestamp();
    expect(JSON.stringify(timestamp)).toBe('{"nanos":123000000,"seconds":{"low":1700000000,"high":0,"unsigned":true}}');
    expect(timestamp.seconds.toNumber()).toBe(1_700_000_000);
    expect(timestamp.seconds.toString()).toBe("1700000000");
    expect(timestamp.seconds.low).toBe(1_700_000_000);
    expect(stub.getDateTimestamp().getTime()).toBe(1_700_000_000_123);
    expect(stub.getSignedProposal().proposal.header.channelHeader).toMatchObject({ txId: host.txId, type: 3 });
  });

  it("splits seconds past 2^32 into signed halves as the long package does", () => {
    const late = new ChaincodeStub(createMemoryHost({ timestampMs: 5_000_000_000_000 })).getTxTimestamp().seconds;
    expect({ low: late.low, high: late.high }).toEqual({ low: 705_032_704, high: 1 });
    expect(late.toNumber()).toBe(5_000_000_000);
    const signedLow = new ChaincodeStub(createMemoryHost({ timestampMs: 3_000_000_000_000 })).getTxTimestamp().seconds;
    expect(signedLow.low).toBe(3_000_000_000 | 0);
    expect(signedLow.toNumber()).toBe(3_000_000_000);
  });
});

describe("events and chaincode calls", () => {
  it("sets events with a name check", () => {
    const h = createMemoryHost();
    const stub = new ChaincodeStub(h);
    stub.setEvent("Transfer", Buffer.from('{"id":"a1"}'));
    expect(h.events.map((event) => [event.name, text(event.payload)])).toEqual([["Transfer", '{"id":"a1"}']]);
    expect(() => stub.setEvent("", Buffer.alloc(0))).toThrow("Event name must be a non-empty string");
  });

  it("calls another chaincode and returns its response with a Buffer payload", async () => {
    const calls: unknown[] = [];
    const h = createMemoryHost({
      invoke: (name, args, channel) => {
        calls.push({ name, args: [...args], channel });
        return { status: 200, message: "", payload: utf8("pong") };
      },
    });
    const response = await new ChaincodeStub(h).invokeChaincode("other", ["ping", Buffer.from("b")], "");
    expect(calls).toEqual([{ name: "other", args: ["ping", "b"], channel: "" }]);
    expect(response.status).toBe(200);
    expect(Buffer.isBuffer(response.payload)).toBe(true);
    expect(response.payload.toString()).toBe("pong");
  });
});
