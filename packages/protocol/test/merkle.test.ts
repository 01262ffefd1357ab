import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bytesToHex,
  leafHash,
  merkleProof,
  merkleRoot,
  nodeHash,
  rootFromProof,
  sha256,
  verifyMerkleProof,
} from "../src/index.ts";
import vectors from "./vectors/merkle.json" with { type: "json" };

const leavesArb = fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 70 });

describe("merkle", () => {
  it("matches the RFC 6962 recursive definition", () => {
    // Reference: MTH(D[n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of 2 below n.
    const mth = (d: Uint8Array[]): Uint8Array => {
      if (d.length === 0) return sha256();
      if (d.length === 1) return leafHash(d[0]);
      let k = 1;
      while (k * 2 < d.length) k *= 2;
      return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
    };
    fc.assert(fc.property(leavesArb, (leaves) => bytesToHex(merkleRoot(leaves)) === bytesToHex(mth(leaves))));
  });

  it("proves every leaf of every tree", () => {
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const root = merkleRoot(leaves);
        return leaves.every((leaf, i) => verifyMerkleProof(leaf, merkleProof(leaves, i), root));
      }),
    );
  });

  it("a proof for leaf i never verifies for another index or a changed leaf", () => {
    fc.assert(
      fc.property(
        leavesArb,
        fc.nat(),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (leaves, a, b, noise) => {
          const i = a % leaves.length;
          const j = b % leaves.length;
          const root = merkleRoot(leaves);
          const proof = merkleProof(leaves, i);
          if (j !== i && bytesToHex(leaves[j]) !== bytesToHex(leaves[i])) {
            if (verifyMerkleProof(leaves[j], proof, root)) return false;
          }
          if (j !== i && verifyMerkleProof(leaves[i], { ...proof, index: j }, root)) {
            // Another index can only verify when the sibling structure is identical and the leaves equal.
            return bytesToHex(leaves[i]) === bytesToHex(leaves[j]);
          }
          const changed = new Uint8Array([...leaves[i], ...noise]);
          return !verifyMerkleProof(changed, proof, root);
        },
      ),
    );
  });

  it("a leaf can never pose as an inner node", () => {
    const leaves = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3]), new Uint8Array([4])];
    const root = merkleRoot(leaves);
    // The concatenation of two child hashes, presented as a leaf one level up, must not verify.
    const inner = new Uint8Array([...leafHash(leaves[0]), ...leafHash(leaves[1])]);
    expect(
      verifyMerkleProof(inner, { index: 0, size: 2, path: [nodeHash(leafHash(leaves[2]), leafHash(leaves[3]))] }, root),
    ).toBe(false);
  });

  it("rejects malformed proofs without throwing from verify", () => {
    const leaves = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])];
    const root = merkleRoot(leaves);
    const p = merkleProof(leaves, 1);
    expect(verifyMerkleProof(leaves[1], { ...p, path: [...p.path, new Uint8Array(32)] }, root)).toBe(false);
    expect(verifyMerkleProof(leaves[1], { ...p, path: p.path.slice(1) }, root)).toBe(false);
    expect(verifyMerkleProof(leaves[1], { ...p, index: 5 }, root)).toBe(false);
    expect(() => rootFromProof(leaves[1], { ...p, size: 0 })).toThrow(/PROOF|proof/);
  });

  it("matches the stored vectors", () => {
    for (const v of vectors) {
      const leaves = v.leaves.map((h: string) => new Uint8Array(Buffer.from(h, "hex")));
      expect(bytesToHex(merkleRoot(leaves)), v.name).toBe(v.root);
      for (const p of v.proofs) {
        const proof = merkleProof(leaves, p.index);
        expect(proof.path.map(bytesToHex), `${v.name} proof ${p.index}`).toEqual(p.path);
      }
    }
  });
});
