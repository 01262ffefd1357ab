// Micro-benchmark, not a test: prints Ed25519 verifications per second on one
// thread and on the worker pool. Run: node --import tsx packages/crypto/src/bench-verify.ts [durationMs]
import { availableParallelism } from "node:os";
import { ed25519Backend } from "./ed25519.ts";
import { measureSingleThreadVerifyRate, measureVerifyRate } from "./verify-rate.ts";

const durationMs = Number(process.argv[2] ?? 2000);
const threads = availableParallelism();
const single = measureSingleThreadVerifyRate({ durationMs });
const pooled = await measureVerifyRate({ durationMs, threads });
console.log(`ed25519 backend: ${ed25519Backend}`);
console.log(`single thread:   ${Math.round(single).toLocaleString("en")} verify/s`);
console.log(`pool (${threads} threads): ${Math.round(pooled).toLocaleString("en")} verify/s`);
