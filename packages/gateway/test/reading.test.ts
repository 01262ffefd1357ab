import { readFileSync } from "node:fs";
import { ed25519PrivateKeyFromSeed, generateKeyPair, keyPairFromKeyObject, verifySignature } from "@citychain/crypto";
import { bytesToHex, ErrorCode, hexToBytes, isCityChainError, leafHash } from "@citychain/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createDeviceSigner,
  decodeReading,
  encodeReading,
  READING_BYTES_MAX,
  READING_VALUES_MAX,
  type Reading,
  readingIdOf,
  readingSignBytes,
  signReading,
} from "../src/index.ts";

interface Vectors {
  signingSeedHex: string;
  publicKeyHex: string;
  valid: { reading: Reading; hex: string; id: string; ed25519Signature: string }[];
  invalid: { why: string; hex: string; error: string }[];
}
const vectors = JSON.parse(readFileSync(new URL("./vectors/readings.json", import.meta.url), "utf8")) as Vectors;

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isCityChainError(e) ? e.code : "THROWN";
  }
  return undefined;
}

const readingArb: fc.Arbitrary<Reading> = fc.record({
  // biome-ignore lint/suspicious/noControlCharactersInRegex: device ids may not hold control characters
  deviceId: fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  timeMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  values: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 16 }).filter((s) => s !== "__proto__"),
    fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.string({ maxLength: 20 }),
      fc.boolean(),
    ),
    { maxKeys: 8 },
  ),
});

describe("reading codec", () => {
  it("encodes every vector to its canonical bytes and id, and decodes them back", () => {
    for (const v of vectors.valid) {
      const bytes = encodeReading(v.reading);
      expect(bytesToHex(bytes), v.reading.deviceId).toBe(v.hex);
      expect(readingIdOf(bytes), v.reading.deviceId).toBe(v.id);
      expect(decodeReading(bytes), v.reading.deviceId).toEqual(v.reading);
    }
  });

  it("refuses every invalid vector with GATEWAY_READING_INVALID and a message naming the problem", () => {
    for (const v of vectors.invalid) {
      let error: unknown;
      try {
        decodeReading(hexToBytes(v.hex));
      } catch (e) {
        error = e;
      }
      expect(isCityChainError(error) && error.code, v.why).toBe(ErrorCode.GATEWAY_READING_INVALID);
      expect((error as Error).message, v.why).toContain(v.error);
    }
  });

  it("round-trips any reading, and one reading has one encoding (property)", () => {
    fc.assert(
      fc.property(readingArb, (r) => {
        const bytes = encodeReading(r);
        const back = decodeReading(bytes);
        expect(back.deviceId).toBe(r.deviceId);
        expect(back.seq).toBe(r.seq);
        expect(bytesToHex(encodeReading(back))).toBe(bytesToHex(bytes));
        expect(readingIdOf(bytes)).toBe(bytesToHex(leafHash(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it("bounds what a reading may carry", () => {
    const base = { deviceId: "d", seq: 1, timeMs: 1 };
    const many = Object.fromEntries(Array.from({ length: READING_VALUES_MAX + 1 }, (_, i) => [`v${i}`, i]));
    const cases: [string, Reading][] = [
      ["too many values", { ...base, values: many }],
      [
        "too large",
        {
          ...base,
          values: {
            a: "x".repeat(250),
            b: "x".repeat(250),
            c: "x".repeat(250),
            d: "x".repeat(250),
            e: "x".repeat(250),
          },
        },
      ],
      ["infinite", { ...base, values: { t: Number.POSITIVE_INFINITY } }],
      ["NaN", { ...base, values: { t: Number.NaN } }],
      ["long name", { ...base, values: { ["n".repeat(65)]: 1 } }],
      ["a name taken for the prototype", { ...base, values: { ["__proto__"]: 1 } }],
      ["fractional seq", { ...base, seq: 1.5, values: {} }],
    ];
    for (const [why, r] of cases)
      expect(
        codeOf(() => encodeReading(r)),
        why,
      ).toBe(ErrorCode.GATEWAY_READING_INVALID);
    expect(codeOf(() => decodeReading(new Uint8Array(READING_BYTES_MAX + 1)))).toBe(ErrorCode.GATEWAY_READING_INVALID);
  });
});

describe("device signatures", () => {
  it("signs the vectors deterministically with Ed25519 over the domain-tagged bytes", () => {
    const kp = keyPairFromKeyObject(ed25519PrivateKeyFromSeed(hexToBytes(vectors.signingSeedHex)));
    expect(bytesToHex(kp.publicKey)).toBe(vectors.publicKeyHex);
    for (const v of vectors.valid) {
      const signed = signReading(v.reading, kp);
      expect(bytesToHex(signed.signature), v.reading.deviceId).toBe(v.ed25519Signature);
      expect(verifySignature("ed25519", kp.publicKey, readingSignBytes(hexToBytes(v.hex)), signed.signature)).toBe(
        true,
      );
      // The domain tag is part of what is signed: the bare bytes do not verify.
      expect(verifySignature("ed25519", kp.publicKey, hexToBytes(v.hex), signed.signature)).toBe(false);
    }
  });

  it("signs with Ed25519 and P-256; a changed byte or another key fails", () => {
    for (const alg of ["ed25519", "p256"] as const) {
      const kp = generateKeyPair(alg);
      const other = generateKeyPair(alg);
      const device = createDeviceSigner({ deviceId: `dev-${alg}`, keyPair: kp, firstSeq: 5 });
      const s = device.sign({ celsius: 4.5 }, 1000);
      expect(device.nextSeq, alg).toBe(6);
      expect(decodeReading(s.reading).seq, alg).toBe(5);
      expect(verifySignature(alg, kp.publicKey, readingSignBytes(s.reading), s.signature), alg).toBe(true);
      expect(verifySignature(alg, other.publicKey, readingSignBytes(s.reading), s.signature), alg).toBe(false);
      const tampered = s.reading.slice();
      tampered[tampered.length - 1] ^= 1;
      expect(verifySignature(alg, kp.publicKey, readingSignBytes(tampered), s.signature), alg).toBe(false);
    }
  });
});
