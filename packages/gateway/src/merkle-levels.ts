import { assert, type MerkleProof, sha256 } from "@citychain/protocol";
import { nodeHashOf } from "./hashes.ts";

/**
 * Every level of an RFC 6962 tree, built once from the leaf hashes (level 0)
 * up to the root (the last level, one hash), the same pairing as the
 * protocol's `merkleRoot`: an odd node at the end of a level is promoted
 * unchanged. With the levels, any leaf's proof is a walk up (log n), where
 * the protocol's `merkleProof` rebuilds the tree for each leaf.
 */
export function merkleLevels(leafHashes: readonly Uint8Array[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [leafHashes.slice()];
  let level = levels[0];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHashOf(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The root of the levels (SHA-256 of nothing for an empty tree, as RFC 6962 says). */
export function rootOfLevels(levels: readonly Uint8Array[][]): Uint8Array {
  const top = levels[levels.length - 1];
  return top.length === 0 ? sha256() : top[0];
}

/** The inclusion proof of leaf `index`, as the protocol's `merkleProof` gives it. */
export function proofFromLevels(levels: readonly Uint8Array[][], index: number): MerkleProof {
  const size = levels[0].length;
  assert(Number.isInteger(index) && index >= 0 && index < size, `leaf ${index} is in a tree of ${size}`);
  const path: Uint8Array[] = [];
  let i = index;
  for (let l = 0; l < levels.length - 1; l++) {
    const sibling = i ^ 1;
    if (sibling < levels[l].length) path.push(levels[l][sibling]);
    i = Math.floor(i / 2);
  }
  return { index, size, path };
}
