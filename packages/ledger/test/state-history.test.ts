import { bytesToUtf8, ErrorCode, utf8ToBytes } from "@citychain/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HISTORY_LIMIT_MAX, Ledger, STATE_KEY_BYTES_MAX } from "../src/index.ts";
import { appHashAt, del, put, sampleBlock, TEST_GENESIS_HASH, txIdOf } from "./fixtures/sample-block.ts";
import { makeTempDir } from "./fixtures/temp-dir.ts";

const k = utf8ToBytes;

function historyOf(ledger: Ledger, key: string, opts = {}): string[] {
  return ledger
    .getHistory(k(key), opts)
    .map((e) => `${e.height}/${e.txIndex}=${e.value === null ? "DEL" : bytesToUtf8(e.value)}`);
}

describe("state writes, deletes and history", () => {
  let tmp: { dir: string; cleanup: () => void };
  let ledger: Ledger;

  beforeEach(async () => {
    tmp = makeTempDir("state");
    ledger = Ledger.open(tmp.dir);
    await ledger.initGenesis(TEST_GENESIS_HASH, [put("a", "g")], appHashAt(0));
  });
  afterEach(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  it("applies puts and deletes and records each in the key's history", async () => {
    await ledger.commitBlock(sampleBlock(1, [[put("a", "1"), put("b", "1")], [put("a", "1b")]]));
    await ledger.commitBlock(sampleBlock(2, [[del("a")], "fail"]));
    await ledger.commitBlock(sampleBlock(3, [[put("a", "3")]]));

    expect(bytesToUtf8(ledger.getState(k("a"))!)).toBe("3");
    expect(bytesToUtf8(ledger.getState(k("b"))!)).toBe("1");
    expect(historyOf(ledger, "a")).toEqual(["0/0=g", "1/0=1", "1/1=1b", "2/0=DEL", "3/0=3"]);
    expect(historyOf(ledger, "b")).toEqual(["1/0=1"]);
    expect(ledger.getHistory(k("a"))[3].txId).toEqual(txIdOf(2, 0));
    expect(ledger.getHistory(k("a"))[0].txId).toEqual(new Uint8Array(0));
  });

  it("removes a deleted key from state", async () => {
    await ledger.commitBlock(sampleBlock(1, [[del("a")]]));
    expect(ledger.getState(k("a"))).toBeUndefined();
    expect(ledger.getStateRange({})).toEqual([]);
  });

  it("stores an empty value as present, distinct from a delete", async () => {
    await ledger.commitBlock(sampleBlock(1, [[put("e", "")]]));
    expect(ledger.getState(k("e"))).toEqual(new Uint8Array(0));
    expect(historyOf(ledger, "e")).toEqual(["1/0="]);
  });

  it("keeps the history of a key apart from keys it is a prefix of", async () => {
    // "a", "a\0", "ab", "a\xff" all start with "a"; "\0a" sorts near nothing.
    const keys = ["a", "a\u0000", "ab", "abc", "b", "\u0000a"];
    await ledger.commitBlock(sampleBlock(1, [keys.map((key) => put(key, `1:${key}`))]));
    await ledger.commitBlock(sampleBlock(2, [keys.map((key) => put(key, `2:${key}`))]));
    for (const key of keys) {
      const expected = key === "a" ? ["0/0=g"] : [];
      expected.push(`1/0=1:${key}`, `2/0=2:${key}`);
      expect(historyOf(ledger, key), `history of ${JSON.stringify(key)}`).toEqual(expected);
    }
  });

  it("pages history with fromHeight and limit", async () => {
    for (let h = 1; h <= 10; h++) await ledger.commitBlock(sampleBlock(h, [[put("c", String(h))]]));
    expect(historyOf(ledger, "c", { fromHeight: 4, limit: 3 })).toEqual(["4/0=4", "5/0=5", "6/0=6"]);
    expect(historyOf(ledger, "c", { fromHeight: 10 })).toEqual(["10/0=10"]);
    expect(historyOf(ledger, "c", { fromHeight: 11 })).toEqual([]);
    expect(historyOf(ledger, "c", { limit: 0 })).toEqual([]);
  });

  it("gives the latest writes newest first, also for keys that others start with", async () => {
    for (let h = 1; h <= 10; h++) await ledger.commitBlock(sampleBlock(h, [[put("c", String(h)), put("cc", "x")]]));
    expect(historyOf(ledger, "c", { newestFirst: true, limit: 3 })).toEqual(["10/0=10", "9/0=9", "8/0=8"]);
    expect(historyOf(ledger, "c", { newestFirst: true, fromHeight: 9 })).toEqual(["10/0=10", "9/0=9"]);
    expect(historyOf(ledger, "cc", { newestFirst: true, limit: 1 })).toEqual(["10/0=x"]);
  });

  it("refuses a history limit above the maximum", () => {
    expect(() => ledger.getHistory(k("c"), { limit: HISTORY_LIMIT_MAX + 1 })).toThrow(
      expect.objectContaining({ code: ErrorCode.LEDGER_RANGE_LIMIT_EXCEEDED }),
    );
  });

  it("refuses empty and oversized keys before writing anything", async () => {
    const bad = [new Uint8Array(0), new Uint8Array(STATE_KEY_BYTES_MAX + 1)];
    for (const key of bad) {
      await expect(
        ledger.commitBlock(sampleBlock(1, [[put("ok", "1"), { key, value: k("v") }]])),
        `key of ${key.length} bytes`,
      ).rejects.toMatchObject({ code: ErrorCode.LEDGER_KEY_INVALID });
    }
    expect(ledger.latestHeight()).toBe(0);
    expect(ledger.getState(k("ok"))).toBeUndefined();
    const longest = new Uint8Array(STATE_KEY_BYTES_MAX).fill(0xff);
    await ledger.commitBlock(sampleBlock(1, [[{ key: longest, value: k("v") }]]));
    expect(ledger.getState(longest)).toEqual(k("v"));
    expect(ledger.getHistory(longest).map((e) => e.height)).toEqual([1]);
  });
});
