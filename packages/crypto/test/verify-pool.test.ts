import type { SignatureAlgorithm } from "@citychain/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPair, measureVerifyRate, sign, type VerifyJob, VerifyPool, verifySignature } from "../src/index.ts";

function mixedJobs(count: number): VerifyJob[] {
  const keys = { ed25519: generateKeyPair("ed25519"), p256: generateKeyPair("p256") };
  const jobs: VerifyJob[] = [];
  for (let i = 0; i < count; i++) {
    const alg: SignatureAlgorithm = i % 3 === 0 ? "p256" : "ed25519";
    const kp = keys[alg];
    const message = new Uint8Array([i & 0xff, i >> 8, 7]);
    let signature = sign(kp, message);
    // Every 5th signature is corrupted, every 7th has a truncated key, every 11th the wrong algorithm.
    if (i % 5 === 0) {
      signature = signature.slice();
      signature[3] ^= 0x10;
    }
    const publicKey = i % 7 === 0 ? kp.publicKey.subarray(1) : kp.publicKey;
    jobs.push({ alg: i % 11 === 0 ? ("rsa" as SignatureAlgorithm) : alg, publicKey, message, signature });
  }
  return jobs;
}

describe("VerifyPool", () => {
  const pool = VerifyPool.create({ threads: 2 });
  afterAll(() => pool.close());

  it("gives the same answers as direct verification on a mixed batch", async () => {
    const jobs = mixedJobs(5000);
    const expected = jobs.map((j) => verifySignature(j.alg, j.publicKey, j.message, j.signature));
    expect(expected.filter(Boolean).length).toBeGreaterThan(0);
    expect(expected.filter((v) => !v).length).toBeGreaterThan(0);
    const got = await pool.verifyBatch(jobs);
    for (let i = 0; i < jobs.length; i++) expect(got[i], `job ${i}`).toBe(expected[i]);
  });

  it("handles empty and concurrent batches", async () => {
    expect(await pool.verifyBatch([])).toEqual([]);
    const a = mixedJobs(300);
    const b = mixedJobs(17);
    const [ra, rb] = await Promise.all([pool.verifyBatch(a), pool.verifyBatch(b)]);
    expect(ra).toEqual(a.map((j) => verifySignature(j.alg, j.publicKey, j.message, j.signature)));
    expect(rb).toEqual(b.map((j) => verifySignature(j.alg, j.publicKey, j.message, j.signature)));
  });

  it("rejects the batch a crashed worker was running, then keeps working", async () => {
    const jobs = mixedJobs(4000);
    const running = pool.verifyBatch(jobs);
    await pool.terminateWorkerForTest(0);
    await expect(running).rejects.toMatchObject({ code: "INTERNAL" });
    const again = await pool.verifyBatch(jobs.slice(0, 100));
    expect(again).toEqual(jobs.slice(0, 100).map((j) => verifySignature(j.alg, j.publicKey, j.message, j.signature)));
  });

  it("refuses batches over the limit with BATCH_TOO_LARGE", async () => {
    const huge = new Array<VerifyJob>(100_001);
    await expect(pool.verifyBatch(huge)).rejects.toMatchObject({ code: "BATCH_TOO_LARGE" });
  });

  it("rejects use after close", async () => {
    const p = VerifyPool.create({ threads: 1 });
    await p.close();
    await expect(p.verifyBatch(mixedJobs(1))).rejects.toMatchObject({ code: "INTERNAL" });
  });

  it("measures a positive verify rate", async () => {
    expect(await measureVerifyRate({ durationMs: 200, threads: 1 })).toBeGreaterThan(0);
  });
});
