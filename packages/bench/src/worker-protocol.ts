import type { WorkloadName } from "./workloads.ts";

export interface WorkerJob {
  /** Unique per run and worker, so keys never collide across runs. */
  workerIndex: string;
  workload: WorkloadName;
  url: string;
  chainId: string;
  identityDir: string;
  expiresAt: number;
  count: number;
  batchSize: number;
  /** 0: as fast as the node answers. */
  ratePerSec: number;
  durationMs: number;
  inflightMax: number;
  commitTimeoutMs: number;
}

export interface WorkerResult {
  latenciesMs: number[];
  ok: number;
  failed: number;
  skipped: number;
  codes: Record<string, number>;
  /** The first message seen for each failing code, so a run can say why transactions failed. */
  messages: Record<string, string>;
  firstSendMs: number;
  lastDoneMs: number;
}
