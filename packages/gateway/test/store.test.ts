import { generateKeyPair } from "@citychain/crypto";
import { ErrorCode, encode, isCityChainError, leafHash, merkleRoot, uint64ToBytes } from "@citychain/protocol";
import { open } from "lmdb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  decodeStoredReading,
  encodeStoredReading,
  GatewayStore,
  newBatch,
  type StoredReading,
  signReading,
} from "../src/index.ts";
import { removeDir, tempDir } from "./helpers.ts";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isCityChainError(e) ? e.code : "THROWN";
  }
  return undefined;
}

function storedReading(alg: "ed25519" | "p256", seq: number, batch: number, index: number): StoredReading {
  const kp = generateKeyPair(alg);
  const signed = signReading({ deviceId: `dev-${alg}`, seq, timeMs: 5, values: { t: 1.5 } }, kp, 2);
  return {
    bytes: signed.reading,
    signature: signed.signature,
    keyIndex: 2,
    deviceId: `dev-${alg}`,
    seq,
    alg,
    publicKey: kp.publicKey,
    keyTxId: "cd".repeat(32),
    batch,
    index,
    receivedMs: 1_767_225_600_123,
  };
}

describe("gateway store", () => {
  let dir: string;
  let store: GatewayStore;

  beforeEach(() => {
    dir = tempDir("citychain-gw-store-");
    store = GatewayStore.open(dir);
  });

  afterEach(async () => {
    await store.close();
    removeDir(dir);
  });

  it("encodes stored readings of both algorithms losslessly, and refuses a damaged one", () => {
    for (const r of [storedReading("ed25519", 1, 1, 0), storedReading("p256", 7, 3, -1)]) {
      const raw = encodeStoredReading(r, leafHash(r.bytes));
      expect(decodeStoredReading(raw), r.alg).toEqual(r);
      for (const damaged of [raw.subarray(0, raw.length - 1), Uint8Array.from([9, ...raw.subarray(1)])]) {
        let error: unknown;
        try {
          decodeStoredReading(damaged);
        } catch (e) {
          error = e;
        }
        expect(isCityChainError(error) && error.code, r.alg).toBe(ErrorCode.GATEWAY_STORE_INVALID);
      }
    }
  });

  it("keeps readings, leaves, seqs and batches across a reopen, and rewrites a batch without dropped readings", async () => {
    const readings = [0, 1, 2].map((i) => storedReading(i === 1 ? "p256" : "ed25519", i + 1, 4, i));
    const ids = readings.map((r) => leafHash(r.bytes));
    const batch = { ...newBatch(4).record, status: "sealed" as const, count: 3, devices: ["dev-ed25519", "dev-p256"] };
    await store.commitAccepted(
      readings.map((reading, i) => ({ id: ids[i], reading })),
      new Map([["dev-ed25519", 3]]),
      [batch],
    );
    await store.close();
    store = GatewayStore.open(dir);
    expect(store.lastSeq("dev-ed25519")).toBe(3);
    expect(store.lastSeq("nobody")).toBe(0);
    expect(store.batchLeaves(4)).toEqual(ids);
    expect(store.lastBatchNo()).toBe(4);
    expect(store.unfinishedBatches().map((b) => b.no)).toEqual([4]);
    await store.rewriteBatch({ ...batch, count: 2, devices: ["dev-ed25519"] }, [ids[0], ids[2]], [ids[1]]);
    expect(store.batchLeaves(4)).toEqual([ids[0], ids[2]]);
    expect(store.getReading(ids[2])?.index).toBe(1);
    expect(store.getReading(ids[1])?.index).toBe(-1);
    await store.putAnchored({ ...batch, status: "anchored", toMs: 1234 });
    expect(store.lastAnchoredToMs()).toBe(1234);
    expect(store.unfinishedBatches()).toEqual([]);
  });

  for (const indexOnThisThread of [false, true]) {
    it(`stores readings of device batches once with their batch's signature and key, in chunks, found by id (index written ${indexOnThisThread ? "on the main thread" : "by its thread"})`, async () => {
      await store.close();
      store = GatewayStore.open(dir, { indexOnThisThread });
      const kp = generateKeyPair("ed25519");
      const bytes = [1, 2, 3, 4, 5].map(
        (seq) => signReading({ deviceId: "dev", seq, timeMs: 1, values: { v: seq } }, kp).reading,
      );
      const ids = bytes.map(leafHash);
      const record = {
        no: store.nextDeviceBatchNo(),
        deviceId: "dev",
        alg: "ed25519" as const,
        publicKey: kp.publicKey,
        keyIndex: 0,
        keyTxId: "ef".repeat(32),
        signature: new Uint8Array(64).fill(7),
        root: merkleRoot(bytes),
        leaves: Uint8Array.from(ids.flatMap((id) => [...id])),
      };
      const reading = (i: number): StoredReading => ({
        bytes: bytes[i],
        signature: record.signature,
        keyIndex: 0,
        deviceId: "dev",
        seq: i + 1,
        alg: "ed25519",
        publicKey: kp.publicKey,
        keyTxId: record.keyTxId,
        batch: 1,
        index: i,
        receivedMs: 5,
        deviceBatch: { no: record.no, index: i },
      });
      const batch = { ...newBatch(1).record, status: "sealed" as const, count: 5, devices: ["dev"] };
      // Three requests: chunks [0, 1], [2], [3, 4].
      for (const part of [[0, 1], [2], [3, 4]]) {
        await store.commitAccepted(
          part.map((i) => ({ id: ids[i], reading: reading(i) })),
          new Map([["dev", part[part.length - 1] + 1]]),
          [batch],
          part[0] === 0 ? [record] : [],
        );
      }
      const leaves = store.batchLeaves(1);
      expect(leaves).toEqual(ids);
      // Before its index is written, a batch's readings are found through its leaves in memory.
      expect(store.getReading(ids[3])).toBeUndefined();
      store.trackLeaves(1, leaves);
      expect(store.getReading(ids[3])?.seq).toBe(4);
      await store.indexBatch(1, leaves);
      await store.close();
      store = GatewayStore.open(dir, { indexOnThisThread });
      for (let i = 0; i < 5; i++) {
        const back = store.getReading(ids[i]);
        expect(back, `reading ${i}`).toEqual(reading(i));
      }
      expect(store.getDeviceBatch(record.no)).toEqual(record);
      expect(store.nextDeviceBatchNo()).toBe(record.no + 1);
      expect(store.batchReadingDevices(1)).toEqual(Array(5).fill("dev"));
      // Taking readings out twice: each keeps its own place, the kept ones are renumbered.
      await store.rewriteBatch({ ...batch, count: 4 }, [ids[0], ids[1], ids[2], ids[4]], [ids[3]]);
      await store.rewriteBatch({ ...batch, count: 2 }, [ids[1], ids[4]], [ids[0], ids[2]]);
      expect(store.batchLeaves(1)).toEqual([ids[1], ids[4]]);
      expect([1, 4].map((i) => store.getReading(ids[i])?.index)).toEqual([0, 1]);
      expect([0, 2, 3].map((i) => store.getReading(ids[i])?.index)).toEqual([-1, -1, -1]);
      expect([0, 2, 3].map((i) => store.getReading(ids[i])?.seq)).toEqual([1, 3, 4]);
    });
  }

  it("refuses a data directory of an earlier layout", async () => {
    await store.close();
    const old = tempDir("citychain-gw-store-old-");
    const env = open({ path: old, maxDbs: 12, keyEncoding: "binary", encoding: "binary" });
    await env
      .openDB<Uint8Array, Uint8Array>({ name: "batches", keyEncoding: "binary", encoding: "binary" })
      .put(uint64ToBytes(1), encode(newBatch(1).record));
    await env.close();
    expect(codeOf(() => GatewayStore.open(old))).toBe(ErrorCode.GATEWAY_STORE_INVALID);
    removeDir(old);
    store = GatewayStore.open(dir);
  });
});
