import { randomBytes } from "node:crypto";
import { generateKeyPair, sign, verifySignature } from "./keys.ts";
import { type VerifyJob, VerifyPool } from "./verify-pool.ts";

/** Distinct signers and messages in the sample, so no cache makes the figure look better than real traffic. */
const SAMPLE_SIGNERS = 16;
const SAMPLE_JOBS = 4096;
/** Size of a typical transaction sign-bytes (domain tag + 32-byte id). */
const SAMPLE_MESSAGE_BYTES = 48;

export interface VerifyRateOptions {
  /** How long to measure; default 1000 ms. */
  durationMs?: number;
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
}

/** Valid Ed25519 jobs for measuring. */
export function makeEd25519SampleJobs(count = SAMPLE_JOBS): VerifyJob[] {
  const signers = Array.from({ length: SAMPLE_SIGNERS }, () => generateKeyPair("ed25519"));
  return Array.from({ length: count }, (_, i) => {
    const kp = signers[i % SAMPLE_SIGNERS];
    const message = new Uint8Array(randomBytes(SAMPLE_MESSAGE_BYTES));
    return { alg: "ed25519", publicKey: kp.publicKey, message, signature: sign(kp, message) };
  });
}

/**
 * Ed25519 verifications per second using all pool threads: the machine's
 * ceiling for signature checking, printed by the benchmark harness.
 */
export async function measureVerifyRate(opts: VerifyRateOptions = {}): Promise<number> {
  const durationMs = opts.durationMs ?? 1000;
  const jobs = makeEd25519SampleJobs();
  const pool = VerifyPool.create(opts.threads === undefined ? {} : { threads: opts.threads });
  try {
    await pool.verifyBatch(jobs.slice(0, 64)); // workers started and warm before the clock runs
    let verified = 0;
    const t0 = performance.now();
    // Two batches in flight, as a node with a steady stream would have: workers
    // never wait for the main thread to hand out the next batch.
    const lane = async (): Promise<void> => {
      while (performance.now() - t0 < durationMs) {
        await pool.verifyBatch(jobs);
        verified += jobs.length;
      }
    };
    await Promise.all([lane(), lane()]);
    return verified / ((performance.now() - t0) / 1000);
  } finally {
    await pool.close();
  }
}

/** Ed25519 verifications per second on the calling thread alone. */
export function measureSingleThreadVerifyRate(opts: { durationMs?: number } = {}): number {
  const durationMs = opts.durationMs ?? 1000;
  const jobs = makeEd25519SampleJobs();
  let verified = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < durationMs) {
    for (const j of jobs) verifySignature(j.alg, j.publicKey, j.message, j.signature);
    verified += jobs.length;
  }
  return verified / ((performance.now() - t0) / 1000);
}
