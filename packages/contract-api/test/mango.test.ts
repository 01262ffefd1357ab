import { describe, expect, it } from "vitest";
import { QUERY_SCAN_KEYS_MAX } from "../src/limits.ts";
import { ChaincodeStub } from "../src/stub/stub.ts";
import { createMemoryHost, type MemoryHost, text, utf8 } from "./helpers/memory-host.ts";
import vectors from "./vectors/mango.json" with { type: "json" };

interface Row {
  key: string;
  value: string;
}

async function collect(iterable: AsyncIterable<{ key: string; value: Uint8Array }>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const kv of iterable) rows.push({ key: kv.key, value: text(kv.value) });
  return rows;
}

function seededHost(): MemoryHost {
  const host = createMemoryHost();
  for (const doc of vectors.docs) host.state.set(doc.key, utf8(doc.value));
  return host;
}

describe("rich query vectors (vectors/mango.json)", () => {
  for (const vector of vectors.cases) {
    it(vector.name, async () => {
      const stub = new ChaincodeStub(seededHost());
      const query = "queryText" in vector ? (vector.queryText as string) : JSON.stringify(vector.query);
      if ("error" in vector) {
        const failure = collect(stub.getQueryResult(query));
        await expect(failure).rejects.toMatchObject({ code: "CONTRACT_QUERY_INVALID" });
        await expect(failure).rejects.toThrow(vector.error as string);
        return;
      }
      const rows = await collect(stub.getQueryResult(query));
      expect(rows.map((row) => row.key)).toEqual(vector.keys);
      if ("values" in vector) expect(rows.map((row) => row.value)).toEqual(vector.values);
    });
  }
});

describe("rich query pagination", () => {
  const query = JSON.stringify({ selector: { docType: "asset" }, sort: [{ size: "desc" }], limit: 1 });

  it("pages through sorted results with bookmarks; the page size replaces the query's limit", async () => {
    const stub = new ChaincodeStub(seededHost());
    const keys: string[][] = [];
    const counts: number[] = [];
    let bookmark = "";
    for (let page = 0; page < 4; page++) {
      const { iterator, metadata } = await stub.getQueryResultWithPagination(query, 3, bookmark);
      keys.push((await collect(iterator)).map((row) => row.key));
      counts.push(metadata.fetchedRecordsCount);
      expect(metadata.bookmark).not.toBe("");
      bookmark = metadata.bookmark;
    }
    expect(keys).toEqual([["asset4", "asset3", "asset2"], ["asset1"], [], []]);
    expect(counts).toEqual([3, 1, 0, 0]);
  });

  it("iterates a page with for await on the returned promise", async () => {
    const stub = new ChaincodeStub(seededHost());
    const rows = await collect(stub.getQueryResultWithPagination(query, 2, ""));
    expect(rows.map((row) => row.key)).toEqual(["asset4", "asset3"]);
  });

  it("rejects a bookmark it did not issue and a bad page size", async () => {
    const stub = new ChaincodeStub(seededHost());
    await expect(stub.getQueryResultWithPagination(query, 2, "g1AAAA")).rejects.toMatchObject({
      code: "CONTRACT_QUERY_INVALID",
    });
    await expect(stub.getQueryResultWithPagination(query, 0, "")).rejects.toThrow(
      "pageSize must be a positive integer",
    );
  });
});

describe("rich query scan bound", () => {
  function hostWithKeys(count: number): MemoryHost {
    const host = createMemoryHost();
    for (let i = 0; i < count; i++) host.state.set(`k${String(i).padStart(6, "0")}`, utf8(`{"n":${i}}`));
    return host;
  }

  it(`scans at most QUERY_SCAN_KEYS_MAX (${QUERY_SCAN_KEYS_MAX}) keys, then fails with a coded error`, async () => {
    const atBound = new ChaincodeStub(hostWithKeys(QUERY_SCAN_KEYS_MAX));
    const rows = await collect(atBound.getQueryResult(JSON.stringify({ selector: { n: { $gte: 0 } } })));
    expect(rows).toHaveLength(QUERY_SCAN_KEYS_MAX);

    const overBound = new ChaincodeStub(hostWithKeys(QUERY_SCAN_KEYS_MAX + 1));
    const failure = collect(overBound.getQueryResult(JSON.stringify({ selector: { n: -1 } })));
    await expect(failure).rejects.toMatchObject({ code: "CONTRACT_QUERY_LIMIT" });
    await expect(failure).rejects.toThrow("QUERY_SCAN_KEYS_MAX");
  });

  it("stops scanning an unsorted query once it has its limit", async () => {
    const host = hostWithKeys(QUERY_SCAN_KEYS_MAX + 500);
    const rows = await collect(new ChaincodeStub(host).getQueryResult(JSON.stringify({ selector: {}, limit: 150 })));
    expect(rows.map((row) => row.key)).toEqual(Array.from({ length: 150 }, (_, i) => `k${String(i).padStart(6, "0")}`));
    expect(host.rangeCalls).toHaveLength(2);
  });
});
