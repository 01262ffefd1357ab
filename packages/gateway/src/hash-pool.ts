import { Worker } from "node:worker_threads";
import { HASH_BYTES, leafHashesOf, rootOfPacked } from "./hashes.ts";

/** The leaf hashes (packed, and a view of each) and the Merkle root of one device batch. */
export interface HashedBatch {
  packed: Uint8Array;
  leaves: Uint8Array[];
  root: Uint8Array;
}

/**
 * Computes the hashes of device batches and the roots of anchor batches:
 * about two SHA-256 per reading, a third of what the gateway does per
 * reading once a batch signature is shared by many. With threads, they run
 * on worker threads (`hash-worker.mjs`) while the main thread decodes,
 * checks and stores; with 0, on the calling thread. A worker that fails
 * (crash, exit) is replaced and its work is done on the calling thread, so
 * a failure costs time, never an answer.
 */
export interface BatchHasher {
  readonly threads: number;
  /** Each batch's leaf hashes and root, in order. */
  hashBatches(batches: readonly (readonly Uint8Array[])[]): Promise<HashedBatch[]>;
  /** The RFC 6962 root over leaf hashes. */
  rootOf(leaves: readonly Uint8Array[]): Promise<Uint8Array>;
  close(): Promise<void>;
}

function hashInline(batches: readonly (readonly Uint8Array[])[]): HashedBatch[] {
  return batches.map((readings) => {
    const { packed, leaves } = leafHashesOf(readings);
    return { packed, leaves, root: rootOfPacked(packed, readings.length) };
  });
}

function pack(leaves: readonly Uint8Array[]): Uint8Array {
  const packed = new Uint8Array(leaves.length * HASH_BYTES);
  for (let i = 0; i < leaves.length; i++) packed.set(leaves[i], i * HASH_BYTES);
  return packed;
}

function viewsOf(packed: Uint8Array, first: number, count: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = packed.subarray((first + i) * HASH_BYTES, (first + i + 1) * HASH_BYTES);
  return out;
}

interface Task {
  resolve(value: unknown): void;
  /** Does the work on the calling thread when the worker fails. */
  fallback(): unknown;
}

interface Slot {
  worker: Worker;
  tasks: Map<number, Task>;
}

/** Hashing on worker threads, each task to the worker with the fewest in flight. */
class WorkerHasher implements BatchHasher {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly threads: number) {
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(new URL("./hash-worker.mjs", import.meta.url));
    const slot: Slot = { worker, tasks: new Map() };
    worker.on("message", (msg: { id: number }) => {
      const task = slot.tasks.get(msg.id);
      slot.tasks.delete(msg.id);
      task?.resolve(msg);
    });
    const failed = () => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      for (const task of slot.tasks.values()) task.resolve({ fallback: task.fallback() });
      slot.tasks.clear();
      if (!this.closed) this.slots[i] = this.spawn();
    };
    worker.on("error", failed);
    worker.on("exit", failed);
    return slot;
  }

  private run<T>(message: Record<string, unknown>, transfer: ArrayBuffer[], fallback: () => T): Promise<unknown> {
    if (this.closed || this.slots.length === 0) return Promise.resolve({ fallback: fallback() });
    let slot = this.slots[0];
    for (const s of this.slots) if (s.tasks.size < slot.tasks.size) slot = s;
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.tasks.set(id, { resolve, fallback });
      slot.worker.postMessage({ ...message, id }, transfer);
    });
  }

  async hashBatches(batches: readonly (readonly Uint8Array[])[]): Promise<HashedBatch[]> {
    let total = 0;
    let bytes = 0;
    for (const b of batches) {
      total += b.length;
      for (const r of b) bytes += r.length;
    }
    if (total === 0) return hashInline(batches);
    const data = new Uint8Array(bytes);
    const lengths = new Uint32Array(total);
    const counts = new Uint32Array(batches.length);
    let at = 0;
    let i = 0;
    batches.forEach((b, k) => {
      counts[k] = b.length;
      for (const r of b) {
        data.set(r, at);
        at += r.length;
        lengths[i++] = r.length;
      }
    });
    const answer = (await this.run(
      { op: "batches", data, lengths, counts },
      [data.buffer, lengths.buffer, counts.buffer] as ArrayBuffer[],
      () => hashInline(batches),
    )) as { fallback?: HashedBatch[]; leaves: Uint8Array; roots: Uint8Array };
    if (answer.fallback) return answer.fallback;
    let first = 0;
    return batches.map((b, k) => {
      const packed = answer.leaves.subarray(first * HASH_BYTES, (first + b.length) * HASH_BYTES);
      const leaves = viewsOf(answer.leaves, first, b.length);
      first += b.length;
      return { packed, leaves, root: answer.roots.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES) };
    });
  }

  async rootOf(leaves: readonly Uint8Array[]): Promise<Uint8Array> {
    const packed = pack(leaves);
    const answer = (await this.run(
      { op: "root", leaves: packed, count: leaves.length },
      [packed.buffer as ArrayBuffer],
      () => rootOfPacked(pack(leaves), leaves.length),
    )) as { fallback?: Uint8Array; root: Uint8Array };
    return answer.fallback ?? answer.root;
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const s of slots) for (const task of s.tasks.values()) task.resolve({ fallback: task.fallback() });
  }
}

/** A hasher on `threads` worker threads, or on the calling thread for 0. */
export function createBatchHasher(threads: number): BatchHasher {
  if (threads === 0) {
    return {
      threads: 0,
      hashBatches: async (batches) => hashInline(batches),
      rootOf: async (leaves) => rootOfPacked(pack(leaves), leaves.length),
      close: async () => {},
    };
  }
  return new WorkerHasher(threads);
}
