import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread from a TypeScript file. Node 20 does not pass the
 * tsx loader registered by `--import tsx` on to worker threads, so a small
 * bootstrap registers it inside the worker before importing the file.
 */
export function tsWorker(file: URL, options: WorkerOptions = {}): Worker {
  const bootstrap = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
