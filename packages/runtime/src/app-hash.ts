import type { StateWrite } from "@citychain/ledger";
import { encode, sha256 } from "@citychain/protocol";

/**
 * State commitment: each block's app hash chains the previous one with the
 * block's write set in key order. Two nodes with equal app hashes applied the
 * same writes from the same genesis, so any divergence shows in the next
 * header. (It does not give per-key state proofs; transaction and event proofs
 * go through the results root.)
 */
export function nextAppHash(prev: Uint8Array, sortedWrites: StateWrite[]): Uint8Array {
  return sha256(prev, encode(sortedWrites.map((w) => [w.key, w.value])));
}
