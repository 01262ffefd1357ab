import { CityChainError, ErrorCode } from "./errors.ts";
import { sha256 } from "./hash.ts";

/**
 * Merkle trees as in RFC 6962 / RFC 9162: a leaf is hashed as H(0x00 || data),
 * an inner node as H(0x01 || left || right), so a leaf can never pose as an
 * inner node. A tree of n leaves splits at the largest power of two below n.
 */
const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

export interface MerkleProof {
  /** Position of the leaf, from 0. */
  index: number;
  /** Number of leaves in the tree. */
  size: number;
  /** Sibling hashes from the leaf up to the root. */
  path: Uint8Array[];
}

export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

/** Root of the tree over already-hashed leaves (level 0). */
function rootOfLeafHashes(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return sha256();
  let level = hashes;
  // Bottom-up pairing gives the same root as RFC 6962's recursive split:
  // an odd node at the end of a level is promoted unchanged.
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  return rootOfLeafHashes(leaves.map(leafHash));
}

export function merkleProof(leaves: Uint8Array[], index: number): MerkleProof {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} out of range for ${leaves.length} leaves`);
  }
  const path: Uint8Array[] = [];
  let level = leaves.map(leafHash);
  let i = index;
  while (level.length > 1) {
    const sibling = i ^ 1;
    if (sibling < level.length) path.push(level[sibling]);
    const next: Uint8Array[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) next.push(nodeHash(level[j], level[j + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
    i = Math.floor(i / 2);
  }
  return { index, size: leaves.length, path };
}

/** Root implied by a leaf and its proof (RFC 9162 section 2.1.3.2). */
export function rootFromProof(leaf: Uint8Array, proof: MerkleProof): Uint8Array {
  const { index, size, path } = proof;
  if (!Number.isInteger(size) || !Number.isInteger(index) || index < 0 || index >= size) {
    throw new CityChainError({ code: ErrorCode.PROOF_INVALID }, `proof index ${index} is not within tree size ${size}`);
  }
  let fn = index;
  let sn = size - 1;
  let r = leafHash(leaf);
  for (const p of path) {
    if (sn === 0)
      throw new CityChainError({ code: ErrorCode.PROOF_INVALID }, "proof path is longer than the tree is deep");
    if ((fn & 1) === 1 || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>>= 1;
    sn >>>= 1;
  }
  if (sn !== 0)
    throw new CityChainError({ code: ErrorCode.PROOF_INVALID }, "proof path is shorter than the tree is deep");
  return r;
}

export function verifyMerkleProof(leaf: Uint8Array, proof: MerkleProof, root: Uint8Array): boolean {
  try {
    const r = rootFromProof(leaf, proof);
    if (r.length !== root.length) return false;
    for (let k = 0; k < r.length; k++) if (r[k] !== root[k]) return false;
    return true;
  } catch {
    return false;
  }
}
