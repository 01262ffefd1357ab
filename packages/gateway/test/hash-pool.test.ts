import { leafHash, merkleRoot, nodeHash, utf8ToBytes } from "@citychain/protocol";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createBatchHasher, leafHashesOf, leafHashOf, nodeHashOf, rootOfPacked } from "../src/index.ts";

const readingsOf = (n: number, tag = "r") =>
  Array.from({ length: n }, (_, i) => utf8ToBytes(`${tag} ${i} ${"x".repeat(i % 50)}`));

describe("gateway hashes", () => {
  it("are the protocol's RFC 6962 leaf, node and root hashes (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.uint8Array({ maxLength: 1024 }), (n, data) => {
        expect(leafHashOf(data)).toEqual(leafHash(data));
        const readings = readingsOf(n);
        const { packed, leaves } = leafHashesOf(readings);
        expect(leaves).toEqual(readings.map(leafHash));
        expect(rootOfPacked(packed, n)).toEqual(merkleRoot(readings));
      }),
      { numRuns: 300 },
    );
    const [a, b] = [leafHash(utf8ToBytes("a")), leafHash(utf8ToBytes("b"))];
    expect(nodeHashOf(a, b)).toEqual(nodeHash(a, b));
  });
});

describe("batch hasher", () => {
  const pooled = createBatchHasher(2);
  const inline = createBatchHasher(0);
  afterAll(async () => {
    await pooled.close();
  });

  it("gives each batch's leaves and root on worker threads and inline alike", async () => {
    const batches = [1, 2, 3, 7, 100, 1000].map((n, k) => readingsOf(n, `batch ${k}`));
    for (const hasher of [pooled, inline]) {
      const hashed = await hasher.hashBatches(batches);
      hashed.forEach((h, k) => {
        const why = `${hasher.threads} threads, batch ${k}`;
        expect(h.leaves, why).toEqual(batches[k].map(leafHash));
        expect(h.root, why).toEqual(merkleRoot(batches[k]));
        expect(h.packed.length, why).toBe(32 * batches[k].length);
      });
      const leaves = batches[5].map(leafHash);
      expect(await hasher.rootOf(leaves), `${hasher.threads} threads`).toEqual(merkleRoot(batches[5]));
      expect(await hasher.rootOf([]), `${hasher.threads} threads`).toEqual(merkleRoot([]));
    }
  });

  it("still answers, on the calling thread, once its workers are gone", async () => {
    const hasher = createBatchHasher(1);
    await hasher.close();
    const readings = readingsOf(5);
    const [h] = await hasher.hashBatches([readings]);
    expect(h.root).toEqual(merkleRoot(readings));
  });
});
