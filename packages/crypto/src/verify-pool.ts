import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CityChainError, ErrorCode, type SignatureAlgorithm } from "@citychain/protocol";
import { VERIFY_BATCH_JOBS_MAX, VERIFY_CHUNK_JOBS_MAX, VERIFY_FIELD_BYTES_MAX } from "./limits.ts";

/** One signature to check. */
export interface VerifyJob {
  alg: SignatureAlgorithm;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

export interface VerifyPoolOptions {
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
}

// Wire format shared with verify-worker.mjs: per job four uint32 words
// [alg, publicKey length, message length, signature length]; the bytes of all
// jobs follow each other in one buffer. Both buffers are transferred, not copied.
const META_WORDS_PER_JOB = 4;
const ALG_CODES: Record<SignatureAlgorithm, number> = { ed25519: 0, p256: 1 };
/** Makes the worker answer false without looking at the bytes. */
const ALG_CODE_INVALID = 255;
/**
 * Crashes in a row, with no chunk verified in between, after which the pool
 * stops respawning: a worker that cannot even start (missing script, broken
 * addon) would otherwise respawn in a tight loop forever.
 */
export const VERIFY_WORKER_CRASHES_IN_A_ROW_MAX = 8;

interface Batch {
  results: boolean[];
  remainingJobs: number;
  failed: boolean;
  resolve(results: boolean[]): void;
  reject(error: Error): void;
}

interface Task {
  taskId: number;
  batch: Batch;
  start: number;
  meta: Uint32Array;
  data: Uint8Array;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  lastError: Error | undefined;
}

interface TaskResult {
  taskId: number;
  results: Uint8Array;
}

function isField(b: unknown): b is Uint8Array {
  return b instanceof Uint8Array && b.length <= VERIFY_FIELD_BYTES_MAX;
}

function encodeChunk(jobs: readonly VerifyJob[], start: number, end: number): { meta: Uint32Array; data: Uint8Array } {
  const meta = new Uint32Array((end - start) * META_WORDS_PER_JOB);
  let bytes = 0;
  for (let i = start; i < end; i++) {
    const j = jobs[i];
    if (isField(j.publicKey) && isField(j.message) && isField(j.signature)) {
      bytes += j.publicKey.length + j.message.length + j.signature.length;
    }
  }
  const data = new Uint8Array(bytes);
  let offset = 0;
  for (let i = start; i < end; i++) {
    const j = jobs[i];
    const m = (i - start) * META_WORDS_PER_JOB;
    const code = ALG_CODES[j.alg];
    if (code === undefined || !isField(j.publicKey) || !isField(j.message) || !isField(j.signature)) {
      meta[m] = ALG_CODE_INVALID;
      continue;
    }
    meta[m] = code;
    meta[m + 1] = j.publicKey.length;
    meta[m + 2] = j.message.length;
    meta[m + 3] = j.signature.length;
    data.set(j.publicKey, offset);
    offset += j.publicKey.length;
    data.set(j.message, offset);
    offset += j.message.length;
    data.set(j.signature, offset);
    offset += j.signature.length;
  }
  return { meta, data };
}

/**
 * Verifies signatures on worker threads. A batch is cut into large chunks
 * (one postMessage each, buffers transferred) that idle workers take from a
 * shared queue, so per-message overhead is amortised and fast workers help
 * slow ones. A crashed worker fails only the batch it was working on, and is
 * replaced.
 */
export class VerifyPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextTaskId = 1;
  private closed = false;
  private crashesInARow = 0;
  /** Set when workers keep crashing; every batch is then refused with this error. */
  private broken: CityChainError | undefined;

  private constructor(readonly threads: number) {
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  /** Starts the worker threads. */
  static create(opts: VerifyPoolOptions = {}): VerifyPool {
    const threads = opts.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new CityChainError(
        { code: ErrorCode.CONFIG_INVALID },
        `VerifyPool threads must be an integer >= 1, got ${threads}`,
      );
    }
    return new VerifyPool(threads);
  }

  /** Results in job order; a malformed job is `false`, never an error. */
  verifyBatch(jobs: readonly VerifyJob[]): Promise<boolean[]> {
    if (this.closed) {
      return Promise.reject(new CityChainError({ code: ErrorCode.INTERNAL }, "VerifyPool is closed"));
    }
    if (this.broken) return Promise.reject(this.broken);
    if (jobs.length > VERIFY_BATCH_JOBS_MAX) {
      return Promise.reject(
        new CityChainError(
          { code: ErrorCode.BATCH_TOO_LARGE },
          `verify batch of ${jobs.length} jobs exceeds VERIFY_BATCH_JOBS_MAX (${VERIFY_BATCH_JOBS_MAX}); split it`,
        ),
      );
    }
    if (jobs.length === 0) return Promise.resolve([]);
    return new Promise<boolean[]>((resolve, reject) => {
      const batch: Batch = {
        results: new Array<boolean>(jobs.length).fill(false),
        remainingJobs: jobs.length,
        failed: false,
        resolve,
        reject,
      };
      // Buffers are allocated here (never shared), so transferring them is safe.
      // Equal shares per thread, capped so a huge batch still balances.
      const chunkJobs = Math.min(VERIFY_CHUNK_JOBS_MAX, Math.ceil(jobs.length / this.threads));
      for (let start = 0; start < jobs.length; start += chunkJobs) {
        const end = Math.min(jobs.length, start + chunkJobs);
        const { meta, data } = encodeChunk(jobs, start, end);
        this.queue.push({ taskId: this.nextTaskId++, batch, start, meta, data });
      }
      this.dispatch();
    });
  }

  /** Stops the workers; batches still running are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new CityChainError({ code: ErrorCode.INTERNAL }, "VerifyPool closed while verifying");
    for (const task of this.queue.splice(0)) this.failBatch(task.batch, error);
    for (const slot of this.slots) if (slot.task) this.failBatch(slot.task.batch, error);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Test hook: kills one worker as a crash would. */
  async terminateWorkerForTest(index: number): Promise<void> {
    await this.slots[index]?.worker.terminate();
  }

  private spawn(): Slot {
    const worker = new Worker(new URL("./verify-worker.mjs", import.meta.url));
    const slot: Slot = { worker, task: undefined, lastError: undefined };
    // An idle worker must not keep the process alive; a busy one must.
    worker.unref();
    worker.on("message", (msg: TaskResult) => this.onResult(slot, msg));
    worker.on("error", (e) => {
      slot.lastError = e;
    });
    worker.on("exit", (code) => this.onExit(slot, code));
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task) continue;
      let task = this.queue.shift();
      while (task?.batch.failed) task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ taskId: task.taskId, meta: task.meta, data: task.data }, [
        task.meta.buffer as ArrayBuffer,
        task.data.buffer as ArrayBuffer,
      ]);
    }
  }

  private onResult(slot: Slot, msg: TaskResult): void {
    const task = slot.task;
    if (!task || task.taskId !== msg.taskId) return;
    slot.task = undefined;
    slot.worker.unref();
    this.crashesInARow = 0;
    const { batch } = task;
    if (!batch.failed) {
      for (let i = 0; i < msg.results.length; i++) batch.results[task.start + i] = msg.results[i] === 1;
      batch.remainingJobs -= msg.results.length;
      if (batch.remainingJobs === 0) batch.resolve(batch.results);
    }
    this.dispatch();
  }

  private onExit(slot: Slot, exitCode: number): void {
    if (this.closed) return;
    const task = slot.task;
    slot.task = undefined;
    const why = slot.lastError ? slot.lastError.message : `exit code ${exitCode}`;
    if (task) {
      this.failBatch(
        task.batch,
        new CityChainError(
          { code: ErrorCode.INTERNAL },
          `signature verification worker crashed (${why}); the batch was not verified, retry it`,
        ),
      );
    }
    this.crashesInARow++;
    if (this.crashesInARow > VERIFY_WORKER_CRASHES_IN_A_ROW_MAX) {
      this.broken = new CityChainError(
        { code: ErrorCode.INTERNAL },
        `signature verification workers crashed ${this.crashesInARow} times in a row (last: ${why}); pool stopped, check that verify-worker.mjs and sodium-native load`,
      );
      for (const queued of this.queue.splice(0)) this.failBatch(queued.batch, this.broken);
      return;
    }
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots[index] = this.spawn();
    this.dispatch();
  }

  private failBatch(batch: Batch, error: Error): void {
    if (batch.failed) return;
    batch.failed = true;
    batch.reject(error);
  }
}
