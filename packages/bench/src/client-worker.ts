/**
 * One load-generating client. Pre-signs its transactions before the clock
 * starts (so signing does not compete with the node during measurement), then
 * submits batches with wait-for-commit at a fixed rate or as fast as the node
 * answers, and reports each transaction's submit-to-commit latency.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadIdentity } from "@citychain/crypto";
import { bytesToBase64 } from "@citychain/protocol";
import { buildSignedTx } from "@citychain/sdk";
import type { WorkerJob, WorkerResult } from "./worker-protocol.ts";
import { workloads } from "./workloads.ts";

const job = workerData as WorkerJob;
const port = parentPort;
if (!port) throw new Error("client-worker must run as a worker thread");

const identity = await loadIdentity(job.identityDir);
const workload = workloads[job.workload];
const batches: string[][] = [];
for (let b = 0; b * job.batchSize < job.count; b++) {
  const batch: string[] = [];
  for (let i = b * job.batchSize; i < Math.min(job.count, (b + 1) * job.batchSize); i++) {
    const call = workload.call(job.workerIndex, i);
    const { bytes } = buildSignedTx(
      { chainId: job.chainId, contract: call.contract, fn: call.fn, args: call.args, expiresAt: job.expiresAt },
      [identity],
    );
    batch.push(bytesToBase64(bytes));
  }
  batches.push(batch);
}
port.postMessage({ type: "ready" });
await new Promise<void>((resolve) => port.once("message", () => resolve()));

const result: WorkerResult = {
  latenciesMs: [],
  ok: 0,
  failed: 0,
  codes: {},
  messages: {},
  skipped: 0,
  firstSendMs: 0,
  lastDoneMs: 0,
};
const endAt = performance.now() + job.durationMs;
const startedAt = Date.now();
result.firstSendMs = startedAt;

async function sendBatch(batch: string[]): Promise<void> {
  const t0 = performance.now();
  try {
    const r = await fetch(`${job.url}/v1/txs?wait=true&timeoutMs=${job.commitTimeoutMs}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ txs: batch }),
    });
    const body = (await r.json()) as {
      results?: { code: string; message?: string }[];
      error?: { code: string; message?: string };
    };
    const latency = performance.now() - t0;
    const results =
      body.results ?? batch.map(() => ({ code: body.error?.code ?? `HTTP_${r.status}`, message: body.error?.message }));
    for (const x of results) {
      result.codes[x.code] = (result.codes[x.code] ?? 0) + 1;
      if (x.code === "OK") {
        result.ok++;
        result.latenciesMs.push(latency);
      } else {
        result.failed++;
        result.messages[x.code] ??= x.message ?? "";
      }
    }
  } catch (e) {
    result.failed += batch.length;
    const code = `CLIENT_${(e as Error).name}`;
    result.codes[code] = (result.codes[code] ?? 0) + batch.length;
    result.messages[code] ??= (e as Error).message;
  }
  result.lastDoneMs = Date.now();
}

let next = 0;
const inflight = new Set<Promise<void>>();
if (job.ratePerSec > 0) {
  // Open loop: batches leave on schedule whether or not earlier ones returned (bounded in flight).
  const intervalMs = (job.batchSize / job.ratePerSec) * 1000;
  const t0 = performance.now();
  while (performance.now() < endAt && next < batches.length) {
    const due = t0 + next * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inflight.size >= job.inflightMax) {
      result.skipped += batches[next].length;
      next++;
      continue;
    }
    const p = sendBatch(batches[next++]).finally(() => inflight.delete(p));
    inflight.add(p);
  }
} else {
  // Closed loop: keep `inflightMax` batches in flight until time or transactions run out.
  const lane = async () => {
    while (performance.now() < endAt && next < batches.length) await sendBatch(batches[next++]);
  };
  await Promise.all(Array.from({ length: job.inflightMax }, lane));
}
await Promise.all(inflight);
port.postMessage({ type: "done", result });
