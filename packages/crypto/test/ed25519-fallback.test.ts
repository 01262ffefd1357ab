import { afterAll, describe, expect, it, vi } from "vitest";

// Loads a second copy of the signing modules with the native addon disabled, so
// the node:crypto fallback is exercised and checked against libsodium's output.
describe("Ed25519 node:crypto fallback", () => {
  afterAll(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("agrees with the default backend in both directions", async () => {
    const native = await import("../src/keys.ts");
    vi.stubEnv("CITYCHAIN_ED25519_BACKEND", "node:crypto");
    vi.resetModules();
    const fallback = await import("../src/keys.ts");
    const { ed25519Backend } = await import("../src/ed25519.ts");
    expect(ed25519Backend).toBe("node:crypto");

    const kp = native.generateKeyPair("ed25519");
    for (let i = 0; i < 20; i++) {
      const msg = new Uint8Array([i, 1, 2, 3]);
      const sigNative = native.sign(kp, msg);
      const sigFallback = fallback.sign(kp, msg);
      // Ed25519 is deterministic: both backends must produce identical bytes.
      expect(sigFallback, `message ${i}`).toEqual(sigNative);
      expect(fallback.verifySignature("ed25519", kp.publicKey, msg, sigNative), `message ${i}`).toBe(true);
      const bad = sigNative.slice();
      bad[0] ^= 1;
      expect(fallback.verifySignature("ed25519", kp.publicKey, msg, bad), `message ${i}`).toBe(false);
    }
  });

  it("runs the worker pool on the fallback too", async () => {
    vi.stubEnv("CITYCHAIN_ED25519_BACKEND", "node:crypto");
    vi.resetModules();
    const { VerifyPool } = await import("../src/verify-pool.ts");
    const { generateKeyPair, sign } = await import("../src/keys.ts");
    const kp = generateKeyPair("ed25519");
    const msg = new Uint8Array([7]);
    const sig = sign(kp, msg);
    const pool = VerifyPool.create({ threads: 1 });
    try {
      const res = await pool.verifyBatch([
        { alg: "ed25519", publicKey: kp.publicKey, message: msg, signature: sig },
        { alg: "ed25519", publicKey: kp.publicKey, message: new Uint8Array([8]), signature: sig },
      ]);
      expect(res).toEqual([true, false]);
    } finally {
      await pool.close();
    }
  });
});
