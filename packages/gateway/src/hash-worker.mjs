// The gateway's hashing worker (plain JavaScript, so it loads under tsx, vitest and plain node alike,
// like the crypto package's verify-worker.mjs). It computes RFC 6962 hashes for hash-pool.ts:
//
// - {op: "batches", id, data, lengths, counts}: readings concatenated in `data` (lengths[i] bytes each),
//   grouped into device batches of counts[b] readings; answers {id, leaves, roots}: each reading's leaf
//   hash SHA-256(0x00 || reading), packed (32 bytes each), and each batch's Merkle root, packed;
// - {op: "root", id, leaves, count}: answers {id, root}, the root over `count` packed leaf hashes.
//
// The tree is the protocol's (merkle.ts): a node is SHA-256(0x01 || left || right), and an odd node at the
// end of a level is promoted unchanged. Buffers are transferred both ways, never copied.
import { createHash, hash } from "node:crypto";
import { parentPort } from "node:worker_threads";

const HASH_BYTES = 32;
const sha256 =
  typeof hash === "function"
    ? (data) => hash("sha256", data, "buffer")
    : (data) => createHash("sha256").update(data).digest();

let scratch = Buffer.alloc(1 + 1024);
const node = Buffer.alloc(1 + 2 * HASH_BYTES);
node[0] = 1;

function leafHash(bytes) {
  if (scratch.length < 1 + bytes.length) scratch = Buffer.alloc(1 + bytes.length);
  scratch[0] = 0;
  scratch.set(bytes, 1);
  return sha256(scratch.subarray(0, 1 + bytes.length));
}

/** Root of `count` packed leaves starting at `offset` of `leaves`, written into `out` at `at`. */
function rootInto(leaves, offset, count, out, at) {
  if (count === 0) {
    out.set(sha256(new Uint8Array(0)), at);
    return;
  }
  const work = leaves.slice(offset, offset + count * HASH_BYTES);
  let n = count;
  while (n > 1) {
    const pairs = n >> 1;
    for (let i = 0; i < pairs; i++) {
      node.set(work.subarray(2 * i * HASH_BYTES, (2 * i + 2) * HASH_BYTES), 1);
      work.set(sha256(node), i * HASH_BYTES);
    }
    if (n % 2 === 1) work.copyWithin(pairs * HASH_BYTES, (n - 1) * HASH_BYTES, n * HASH_BYTES);
    n = pairs + (n % 2);
  }
  out.set(work.subarray(0, HASH_BYTES), at);
}

parentPort.on("message", (msg) => {
  if (msg.op === "batches") {
    const { id, data, lengths, counts } = msg;
    const leaves = new Uint8Array(lengths.length * HASH_BYTES);
    let at = 0;
    for (let i = 0; i < lengths.length; i++) {
      leaves.set(leafHash(data.subarray(at, at + lengths[i])), i * HASH_BYTES);
      at += lengths[i];
    }
    const roots = new Uint8Array(counts.length * HASH_BYTES);
    let first = 0;
    for (let b = 0; b < counts.length; b++) {
      rootInto(leaves, first * HASH_BYTES, counts[b], roots, b * HASH_BYTES);
      first += counts[b];
    }
    parentPort.postMessage({ id, leaves, roots }, [leaves.buffer, roots.buffer]);
  } else if (msg.op === "root") {
    const root = new Uint8Array(HASH_BYTES);
    rootInto(msg.leaves, 0, msg.count, root, 0);
    parentPort.postMessage({ id: msg.id, root }, [root.buffer]);
  }
});
