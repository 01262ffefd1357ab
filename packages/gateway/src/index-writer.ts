import { Worker } from "node:worker_threads";
import { INDEX_TXN_IDS_MAX } from "./limits.ts";

interface Waiter {
  resolve(ok: boolean): void;
}

/**
 * The store's index writer on its own thread (`index-writer.mjs`): it
 * writes a sealed batch's id index (one random insert per reading, the
 * costliest write the gateway does per reading) in one durable transaction
 * while the main thread goes on. `write` resolves true once the index is
 * on disk, false if the worker failed (the store then writes the index
 * itself).
 */
export class IndexWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private failed = false;
  private readonly exited: Promise<void>;

  constructor(path: string, options: Record<string, unknown>) {
    this.worker = new Worker(new URL("./index-writer.mjs", import.meta.url), { workerData: { path, options } });
    this.worker.on("message", (msg: { id?: number; ok?: boolean }) => {
      if (msg.id === undefined) return;
      const w = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      w?.resolve(msg.ok === true);
    });
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
    const fail = () => {
      this.failed = true;
      for (const w of this.waiting.values()) w.resolve(false);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", fail);
  }

  /** Writes id → (batch, slot i) for the packed ids; true once durable. */
  write(batch: number, ids: Uint8Array, count: number): Promise<boolean> {
    if (this.failed) return Promise.resolve(false);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve });
      this.worker.postMessage({ op: "index", id, batch, ids, count, idsPerTxn: INDEX_TXN_IDS_MAX }, [
        ids.buffer as ArrayBuffer,
      ]);
    });
  }

  /** Waits for the writes in flight, closes the worker's environment and ends the worker. */
  async close(): Promise<void> {
    if (!this.failed) {
      await Promise.all(
        [...this.waiting.values()].map(
          (w) =>
            new Promise<void>((r) => {
              const resolve = w.resolve;
              w.resolve = (ok) => {
                resolve(ok);
                r();
              };
            }),
        ),
      );
      const closed = new Promise<void>((resolve) => {
        this.worker.on("message", (msg: { closed?: boolean }) => {
          if (msg.closed) resolve();
        });
      });
      this.worker.postMessage({ op: "close" });
      await Promise.race([closed, this.exited]);
    }
    await this.worker.terminate();
  }
}
