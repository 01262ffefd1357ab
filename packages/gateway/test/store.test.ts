import { generateKeyPair } from "@citychain/crypto";
import { ErrorCode, isCityChainError, leafHash } from "@citychain/protocol";
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
      const raw = encodeStoredReading(r);
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
    await store.rewriteBatch({ ...batch, count: 2, devices: ["dev-ed25519"] }, [ids[0], ids[2]], [ids[1]], 3);
    expect(store.batchLeaves(4)).toEqual([ids[0], ids[2]]);
    expect(store.getReading(ids[2])?.index).toBe(1);
    expect(store.getReading(ids[1])?.index).toBe(-1);
    await store.putAnchored({ ...batch, status: "anchored", toMs: 1234 });
    expect(store.lastAnchoredToMs()).toBe(1234);
    expect(store.unfinishedBatches()).toEqual([]);
  });
});
