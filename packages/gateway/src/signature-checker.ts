import { type VerifyJob, VerifyPool, verifySignature } from "@citychain/crypto";

/** Checks many signatures at once; results in job order, a malformed job is false. */
export interface SignatureChecker {
  readonly threads: number;
  verify(jobs: readonly VerifyJob[]): Promise<boolean[]>;
  close(): Promise<void>;
}

/**
 * `threads` 0 verifies on the calling thread (no hand-off cost, and the
 * event loop waits); 1 or more uses the crypto package's worker pool, so
 * HTTP, decoding and storage go on while workers verify.
 */
export function createSignatureChecker(threads: number): SignatureChecker {
  if (threads === 0) {
    return {
      threads: 0,
      verify: async (jobs) => jobs.map((j) => verifySignature(j.alg, j.publicKey, j.message, j.signature)),
      close: async () => {},
    };
  }
  const pool = VerifyPool.create({ threads });
  return { threads, verify: (jobs) => pool.verifyBatch(jobs), close: () => pool.close() };
}
