import { ErrorCode, utf8ToBytes } from "@citychain/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Ledger } from "../src/index.ts";
import { appHashAt, put, sampleBlock, TEST_GENESIS_HASH, txIdOf } from "./fixtures/sample-block.ts";
import { makeTempDir } from "./fixtures/temp-dir.ts";

describe("commitBlock height check", () => {
  let tmp: { dir: string; cleanup: () => void };
  let ledger: Ledger;

  beforeEach(async () => {
    tmp = makeTempDir("height");
    ledger = Ledger.open(tmp.dir);
    await ledger.initGenesis(TEST_GENESIS_HASH, [], appHashAt(0));
    await ledger.commitBlock(sampleBlock(1, [[put("x", "1")]]));
  });
  afterEach(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  /** Everything a rejected block 3 or a repeated block 1 could have touched. */
  function expectUnchanged(): void {
    expect(ledger.latestHeight()).toBe(1);
    expect(ledger.appHash()).toEqual(appHashAt(1));
    expect(ledger.getState(utf8ToBytes("x"))).toEqual(utf8ToBytes("1"));
    expect(ledger.getState(utf8ToBytes("y"))).toBeUndefined();
    expect(ledger.getBlockBytes(3)).toBeUndefined();
    expect(ledger.getCommitBytes(3)).toBeUndefined();
    expect(ledger.getResults(3)).toEqual([]);
    expect(ledger.getTxLocation(txIdOf(3, 0))).toBeUndefined();
    expect(ledger.getHistory(utf8ToBytes("x")).map((e) => e.height)).toEqual([1]);
    expect(ledger.getHistory(utf8ToBytes("y"))).toEqual([]);
  }

  for (const height of [0, 1, 3, 100]) {
    it(`rejects height ${height} when the next is 2, writing nothing`, async () => {
      const b = sampleBlock(Math.max(height, 1), [[put("x", "bad"), put("y", "bad")]]);
      const err = await ledger.commitBlock({ ...b, height }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCode.BLOCK_HEIGHT_MISMATCH });
      expectUnchanged();
      // Heights 0 and 1 reuse block 1's header, so its hash is already stored.
      expect(ledger.heightOfHash(b.blockHash)).toBe(height <= 1 ? 1 : undefined);
    });
  }

  it("accepts exactly one of two concurrent commits of the same height", async () => {
    const a = sampleBlock(2, [[put("x", "a")]]);
    const b = { ...sampleBlock(2, [[put("x", "b")]]), blockHash: new Uint8Array(32).fill(7) };
    const outcomes = await Promise.allSettled([ledger.commitBlock(a), ledger.commitBlock(b)]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCode.BLOCK_HEIGHT_MISMATCH });
    expect(ledger.latestHeight()).toBe(2);
    expect(ledger.getState(utf8ToBytes("x"))).toEqual(utf8ToBytes("a"));
    expect(ledger.heightOfHash(b.blockHash)).toBeUndefined();
  });

  it("commits consecutive heights queued without waiting", async () => {
    await Promise.all([2, 3, 4].map((h) => ledger.commitBlock(sampleBlock(h, [[put("x", String(h))]]))));
    expect(ledger.latestHeight()).toBe(4);
    expect(ledger.getState(utf8ToBytes("x"))).toEqual(utf8ToBytes("4"));
  });
});
