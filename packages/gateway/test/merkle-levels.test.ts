import { leafHash, merkleProof, merkleRoot, sha256, utf8ToBytes, verifyMerkleProof } from "@citychain/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { merkleLevels, proofFromLevels, rootOfLevels } from "../src/index.ts";

const leaves = (n: number) => Array.from({ length: n }, (_, i) => utf8ToBytes(`reading ${i}`));

describe("Merkle levels", () => {
  it("give the protocol's RFC 6962 root and proofs for every size and leaf (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (n, pick) => {
        const data = leaves(n);
        const levels = merkleLevels(data.map(leafHash));
        const root = rootOfLevels(levels);
        expect(root).toEqual(merkleRoot(data));
        const index = pick % n;
        const proof = proofFromLevels(levels, index);
        expect(proof).toEqual(merkleProof(data, index));
        expect(verifyMerkleProof(data[index], proof, root)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("proves every leaf of a tree, and a changed leaf, path or index fails", () => {
    const data = leaves(37);
    const levels = merkleLevels(data.map(leafHash));
    const root = rootOfLevels(levels);
    for (let i = 0; i < data.length; i++) {
      const proof = proofFromLevels(levels, i);
      expect(verifyMerkleProof(data[i], proof, root), `leaf ${i}`).toBe(true);
      expect(verifyMerkleProof(utf8ToBytes(`other ${i}`), proof, root), `leaf ${i} changed`).toBe(false);
      const path = proof.path.map((p) => p.slice());
      path[0][0] ^= 1;
      expect(verifyMerkleProof(data[i], { ...proof, path }, root), `leaf ${i} path changed`).toBe(false);
      expect(verifyMerkleProof(data[i], { ...proof, index: (i + 1) % 37 }, root), `leaf ${i} index moved`).toBe(false);
    }
  });

  it("has the empty tree's root, and one leaf is its own root", () => {
    expect(rootOfLevels(merkleLevels([]))).toEqual(sha256());
    const one = leafHash(utf8ToBytes("only"));
    expect(rootOfLevels(merkleLevels([one]))).toEqual(one);
    expect(proofFromLevels(merkleLevels([one]), 0)).toEqual({ index: 0, size: 1, path: [] });
  });
});
