import type { SignatureAlgorithm } from "@citychain/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ed25519Backend,
  ed25519PrivateKeyFromSeed,
  generateKeyPair,
  keyPairFromKeyObject,
  keyPairFromPem,
  keyPairToPem,
  sign,
  verifySignature,
} from "../src/index.ts";

const ALGS: SignatureAlgorithm[] = ["ed25519", "p256"];
const PUBLIC_KEY_BYTES: Record<SignatureAlgorithm, number> = { ed25519: 32, p256: 65 };

describe("signatures", () => {
  it("uses a known Ed25519 backend", () => {
    expect(["sodium-native", "node:crypto"]).toContain(ed25519Backend);
  });

  for (const alg of ALGS) {
    describe(alg, () => {
      const kp = generateKeyPair(alg);
      const other = generateKeyPair(alg);

      it("has raw public key and 64-byte signatures of the documented sizes", () => {
        expect(kp.publicKey.length).toBe(PUBLIC_KEY_BYTES[alg]);
        expect(sign(kp, new Uint8Array([1])).length).toBe(64);
      });

      it("round-trips sign/verify for any message", () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 256 }), (msg) => {
            const sig = sign(kp, msg);
            return verifySignature(alg, kp.publicKey, msg, sig);
          }),
          { numRuns: 50 },
        );
      });

      it("rejects wrong key, message, signature and algorithm", () => {
        fc.assert(
          fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (msg, bit) => {
            const sig = sign(kp, msg);
            const flippedMsg = msg.slice();
            flippedMsg[bit % msg.length] ^= 1 << (bit % 8);
            const flippedSig = sig.slice();
            flippedSig[bit % 64] ^= 1 << (bit % 8);
            const otherAlg: SignatureAlgorithm = alg === "ed25519" ? "p256" : "ed25519";
            return (
              !verifySignature(alg, other.publicKey, msg, sig) &&
              !verifySignature(alg, kp.publicKey, flippedMsg, sig) &&
              !verifySignature(alg, kp.publicKey, msg, flippedSig) &&
              !verifySignature(otherAlg, kp.publicKey, msg, sig)
            );
          }),
          { numRuns: 50 },
        );
      });

      it("returns false, never throws, on malformed input", () => {
        const msg = new Uint8Array([1, 2, 3]);
        const sig = sign(kp, msg);
        const cases: [string, Uint8Array, Uint8Array][] = [
          ["empty key", new Uint8Array(0), sig],
          ["short key", kp.publicKey.subarray(1), sig],
          ["zero key", new Uint8Array(kp.publicKey.length), sig],
          ["all-ones key", new Uint8Array(kp.publicKey.length).fill(0xff), sig],
          ["short sig", kp.publicKey, sig.subarray(1)],
          ["long sig", kp.publicKey, new Uint8Array(65)],
          ["zero sig", kp.publicKey, new Uint8Array(64)],
        ];
        for (const [name, pk, s] of cases) {
          expect(verifySignature(alg, pk, msg, s), name).toBe(false);
        }
        expect(verifySignature("rsa" as SignatureAlgorithm, kp.publicKey, msg, sig)).toBe(false);
        expect(verifySignature(alg, "x" as unknown as Uint8Array, msg, sig)).toBe(false);
      });

      it("exports and re-imports PKCS#8 PEM", () => {
        const pem = keyPairToPem(kp);
        expect(pem).toContain("-----BEGIN PRIVATE KEY-----");
        const back = keyPairFromPem(pem);
        expect(back.alg).toBe(alg);
        expect(back.publicKey).toEqual(kp.publicKey);
        const msg = new Uint8Array([9, 9]);
        expect(verifySignature(alg, kp.publicKey, msg, sign(back, msg))).toBe(true);
      });
    });
  }

  it("matches the RFC 8032 Ed25519 test vector 1 (empty message)", () => {
    const seed = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
    const kp = keyPairFromKeyObject(ed25519PrivateKeyFromSeed(seed));
    expect(Buffer.from(kp.publicKey).toString("hex")).toBe(
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    );
    expect(Buffer.from(sign(kp, new Uint8Array(0))).toString("hex")).toBe(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
  });

  it("rejects a key that is not PKCS#8 PEM with KEY_UNSUPPORTED", () => {
    expect(() => keyPairFromPem("not a key")).toThrow(expect.objectContaining({ code: "KEY_UNSUPPORTED" }));
  });
});
