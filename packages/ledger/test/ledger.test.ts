import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  bytesToUtf8,
  CityChainError,
  decodeBlock,
  decodeCommit,
  ErrorCode,
  sha256,
  utf8ToBytes,
} from "@citychain/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Ledger } from "../src/index.ts";
import { appHashAt, put, sampleBlock, TEST_GENESIS_HASH, txIdOf } from "./fixtures/sample-block.ts";
import { makeTempDir } from "./fixtures/temp-dir.ts";

describe("Ledger blocks, commits, results and meta", () => {
  let tmp: { dir: string; cleanup: () => void };
  let ledger: Ledger;

  beforeEach(async () => {
    tmp = makeTempDir("rt");
    ledger = Ledger.open(tmp.dir);
    await ledger.initGenesis(TEST_GENESIS_HASH, [put("g", "genesis")], appHashAt(0));
  });
  afterEach(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  it("starts at height 0 after genesis", () => {
    expect(ledger.latestHeight()).toBe(0);
    expect(ledger.genesisHash()).toEqual(TEST_GENESIS_HASH);
    expect(ledger.appHash()).toEqual(appHashAt(0));
    expect(ledger.latestBlockHash()).toBeUndefined();
    expect(ledger.getState(utf8ToBytes("g"))).toEqual(utf8ToBytes("genesis"));
  });

  it("round-trips every record of committed blocks", async () => {
    const blocks = [1, 2, 3].map((h) => sampleBlock(h, [[put(`k${h}`, "v")], "fail", [put("shared", String(h))]]));
    for (const b of blocks) await ledger.commitBlock(b);

    expect(ledger.latestHeight()).toBe(3);
    expect(ledger.latestBlockHash()).toEqual(blocks[2].blockHash);
    expect(ledger.latestTimeMs()).toBe(blocks[2].timeMs);
    expect(ledger.appHash()).toEqual(appHashAt(3));
    for (const b of blocks) {
      const h = b.height;
      expect(ledger.getBlockBytes(h), `block ${h}`).toEqual(b.blockBytes);
      expect(ledger.getBlock(h), `decoded block ${h}`).toEqual(decodeBlock(b.blockBytes));
      expect(ledger.heightOfHash(b.blockHash), `hash of ${h}`).toBe(h);
      expect(ledger.getCommitBytes(h), `commit ${h}`).toEqual(b.commitBytes);
      expect(ledger.getCommit(h), `decoded commit ${h}`).toEqual(decodeCommit(b.commitBytes));
      expect(ledger.getResults(h), `results ${h}`).toEqual(b.results);
      expect(ledger.getResult(h, 1), `result ${h}/1`).toEqual(b.results[1]);
      expect(ledger.getResult(h, 3), `result ${h}/3`).toBeUndefined();
      for (let i = 0; i < 3; i++) {
        expect(ledger.getTxLocation(txIdOf(h, i)), `tx ${h}/${i}`).toEqual({
          height: h,
          index: i,
          code: b.results[i].code,
        });
      }
    }
    expect(ledger.getBlockBytes(4)).toBeUndefined();
    expect(ledger.getResults(4)).toEqual([]);
    expect(ledger.heightOfHash(sha256(utf8ToBytes("nope")))).toBeUndefined();
    expect(ledger.getTxLocation(txIdOf(9, 0))).toBeUndefined();
  });

  it("keeps everything across close and reopen", async () => {
    const b = sampleBlock(1, [[put("x", "1")]]);
    await ledger.commitBlock(b);
    await ledger.close();
    ledger = Ledger.open(tmp.dir);
    expect(ledger.latestHeight()).toBe(1);
    expect(ledger.getBlockBytes(1)).toEqual(b.blockBytes);
    expect(bytesToUtf8(ledger.getState(utf8ToBytes("x"))!)).toBe("1");
    expect(ledger.genesisHash()).toEqual(TEST_GENESIS_HASH);
  });

  it("returns copies the caller may modify", async () => {
    await ledger.commitBlock(sampleBlock(1, [[put("x", "1")]]));
    const v = ledger.getState(utf8ToBytes("x"))!;
    v[0] = 0;
    expect(ledger.getState(utf8ToBytes("x"))).toEqual(utf8ToBytes("1"));
  });

  it("accepts the same genesis again and refuses another one", async () => {
    await ledger.initGenesis(TEST_GENESIS_HASH, [put("g", "other")], appHashAt(99));
    expect(ledger.getState(utf8ToBytes("g"))).toEqual(utf8ToBytes("genesis"));
    expect(ledger.appHash()).toEqual(appHashAt(0));
    const err = await ledger.initGenesis(sha256(utf8ToBytes("other")), [], appHashAt(0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CityChainError);
    expect((err as CityChainError).code).toBe(ErrorCode.LEDGER_GENESIS_MISMATCH);
  });

  it("reports raw records by height, including a corrupted block", async () => {
    for (let h = 1; h <= 3; h++) await ledger.commitBlock(sampleBlock(h, [[put("x", String(h))]]));
    await ledger.unsafePutRawBlockBytes(2, utf8ToBytes("garbage"));

    const raw = [...ledger.rawBlocks(1)];
    expect(raw.map((r) => r.height)).toEqual([1, 2, 3]);
    expect(raw[1].blockBytes).toEqual(utf8ToBytes("garbage"));
    const undecodable = raw.filter((r) => {
      try {
        decodeBlock(r.blockBytes!);
        return false;
      } catch {
        return true;
      }
    });
    expect(undecodable.map((r) => r.height)).toEqual([2]);
    expect(raw.every((r) => r.commitBytes !== undefined && r.resultsBytes !== undefined)).toBe(true);
    expect(() => ledger.getBlock(2)).toThrow(expect.objectContaining({ code: ErrorCode.BLOCK_DECODE_FAILED }));
    expect([...ledger.rawBlocks(3)].map((r) => r.height)).toEqual([3]);
  });
});

describe("Ledger data directory", () => {
  it("is a directory even when its name has a dot (lmdb-js would take it for a file)", async () => {
    const tmp = makeTempDir("dot");
    const dir = join(tmp.dir, "node.1");
    try {
      const ledger = Ledger.open(dir);
      await ledger.initGenesis(TEST_GENESIS_HASH, [], appHashAt(0));
      await ledger.close();
      expect(statSync(dir).isDirectory()).toBe(true);
      expect(existsSync(join(dir, "data.mdb"))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });
});

describe("Ledger before genesis", () => {
  it("has height -1, no genesis, and refuses blocks", async () => {
    const tmp = makeTempDir("nogen");
    const ledger = Ledger.open(tmp.dir);
    try {
      expect(ledger.latestHeight()).toBe(-1);
      expect(ledger.genesisHash()).toBeUndefined();
      expect(() => ledger.appHash()).toThrow(expect.objectContaining({ code: ErrorCode.LEDGER_NOT_INITIALIZED }));
      await expect(ledger.commitBlock(sampleBlock(1, []))).rejects.toMatchObject({
        code: ErrorCode.LEDGER_NOT_INITIALIZED,
      });
      expect(ledger.getBlockBytes(1)).toBeUndefined();
    } finally {
      await ledger.close();
      tmp.cleanup();
    }
  });
});
