// Verification worker for VerifyPool (verify-pool.ts). Plain JavaScript on
// purpose: worker threads do not inherit the tsx or vitest loaders, so a .ts
// worker would not start under both. Keep the checks in step with
// ed25519.ts and p256.ts.
import { createPublicKey, verify } from "node:crypto";
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";

const ALG_ED25519 = 0;
const ALG_P256 = 1;
const META_WORDS_PER_JOB = 4;
const SIGNATURE_BYTES = 64;
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const P256_SPKI_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex");
const PUBLIC_KEY_CACHE_ENTRIES_MAX = 10_000;

// Same backend choice as ed25519.ts (CITYCHAIN_ED25519_BACKEND=node:crypto forces the fallback).
let sodium;
try {
  sodium =
    process.env.CITYCHAIN_ED25519_BACKEND === "node:crypto"
      ? undefined
      : createRequire(import.meta.url)("sodium-native");
} catch {
  sodium = undefined;
}

/** Public KeyObjects by SPKI hex, dropped wholesale when full (rarely happens; simpler than an LRU here). */
const keyCache = new Map();

function keyObject(prefix, raw) {
  const spki = Buffer.concat([prefix, raw]);
  const hex = spki.toString("hex");
  let key = keyCache.get(hex);
  if (!key) {
    key = createPublicKey({ key: spki, format: "der", type: "spki" });
    if (keyCache.size >= PUBLIC_KEY_CACHE_ENTRIES_MAX) keyCache.clear();
    keyCache.set(hex, key);
  }
  return key;
}

function verifyOne(alg, publicKey, message, signature) {
  if (signature.length !== SIGNATURE_BYTES) return false;
  try {
    if (alg === ALG_ED25519) {
      if (publicKey.length !== 32) return false;
      if (sodium) return sodium.crypto_sign_verify_detached(signature, message, publicKey);
      return verify(null, message, keyObject(ED25519_SPKI_PREFIX, publicKey), signature);
    }
    if (alg === ALG_P256) {
      if (publicKey.length !== 65 || publicKey[0] !== 0x04) return false;
      const key = keyObject(P256_SPKI_PREFIX, publicKey);
      return verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, signature);
    }
  } catch {
    return false;
  }
  return false;
}

parentPort.on("message", (task) => {
  const { taskId, meta, data } = task;
  const count = meta.length / META_WORDS_PER_JOB;
  const results = new Uint8Array(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const m = i * META_WORDS_PER_JOB;
    const pkLen = meta[m + 1];
    const msgLen = meta[m + 2];
    const sigLen = meta[m + 3];
    const publicKey = data.subarray(offset, offset + pkLen);
    const message = data.subarray(offset + pkLen, offset + pkLen + msgLen);
    const signature = data.subarray(offset + pkLen + msgLen, offset + pkLen + msgLen + sigLen);
    offset += pkLen + msgLen + sigLen;
    results[i] = verifyOne(meta[m], publicKey, message, signature) ? 1 : 0;
  }
  parentPort.postMessage({ taskId, results }, [results.buffer]);
});
