import { readFileSync } from "node:fs";
import { decode, encode, hexToBytes } from "@citychain/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkReading, decodeReadingFast, encodeReading, type Reading, readingHeadFast } from "../src/index.ts";

/** The general decoder, as decodeReading falls back to it: cborg's strict decode, re-encoding check, fields. */
function decodeGeneral(bytes: Uint8Array): Reading | undefined {
  try {
    return checkReading(decode(bytes, 1024));
  } catch {
    return undefined;
  }
}

const vectors = JSON.parse(readFileSync(new URL("./vectors/readings.json", import.meta.url), "utf8")) as {
  valid: { reading: Reading; hex: string }[];
  invalid: { why: string; hex: string }[];
};

const asciiText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** Numbers of every encoding: small and large integers, halves, singles, doubles, beyond 2^53. */
const numberArb = fc.oneof(
  fc.integer(),
  fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => Math.fround(f)),
  fc.integer({ min: -2048, max: 2048 }).map((n) => n / 64),
  fc.integer({ min: -24, max: 15 }).map((e) => 2 ** e),
  fc.constantFrom(2 ** 53, 2 ** 60, -(2 ** 64), 65504, 65520, 2 ** -24, 1e-300, -0.1),
);

const valuesArb = (name: fc.Arbitrary<string>, text: fc.Arbitrary<string>) =>
  fc.dictionary(
    name.filter((s) => s.length > 0 && s !== "__proto__"),
    fc.oneof(numberArb, text, fc.boolean()),
    { maxKeys: 10 },
  );

/** Readings as devices would send them: ASCII ids, names and texts (the fast path's form). */
const asciiReadingArb: fc.Arbitrary<Reading> = fc.record({
  deviceId: asciiText(60).filter((s) => s.length > 0),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  timeMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  values: valuesArb(asciiText(16), asciiText(40)),
});

/** Any reading the format allows (any Unicode text): the fast path may leave some to the general decoder. */
const anyReadingArb: fc.Arbitrary<Reading> = fc.record({
  // biome-ignore lint/suspicious/noControlCharactersInRegex: device ids may not hold control characters
  deviceId: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s)),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  timeMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  values: valuesArb(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 })),
});

/** Changes to a reading's bytes: a byte set, a byte removed, a byte inserted, the end cut off. */
const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("remove" as const), at: fc.nat(), byte: fc.constant(0) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat(), byte: fc.constant(0) }),
);

function mutate(bytes: Uint8Array, m: { kind: string; at: number; byte: number }): Uint8Array {
  const at = m.at % (bytes.length + 1);
  const b = [...bytes];
  if (m.kind === "set" && at < b.length) b[at] = m.byte;
  if (m.kind === "remove" && at < b.length) b.splice(at, 1);
  if (m.kind === "insert") b.splice(at, 0, m.byte);
  if (m.kind === "cut") b.length = at;
  return Uint8Array.from(b);
}

/** The fast path's promise: it accepts only what the general decoder accepts, with the same value. */
function agrees(bytes: Uint8Array): void {
  const fast = decodeReadingFast(bytes);
  const head = readingHeadFast(bytes);
  expect(head === undefined).toBe(fast === undefined);
  if (fast === undefined) return;
  const general = decodeGeneral(bytes);
  expect(general, "the fast path accepted bytes the general decoder refuses").toBeDefined();
  expect(fast).toEqual(general);
  expect(head).toEqual({ deviceId: general?.deviceId, seq: general?.seq, timeMs: general?.timeMs });
}

describe("fast reading decoder", () => {
  it("reads every valid vector as the general decoder does, and refuses every invalid one", () => {
    for (const v of vectors.valid) {
      expect(decodeReadingFast(hexToBytes(v.hex)), v.reading.deviceId).toEqual(v.reading);
    }
    for (const v of vectors.invalid) expect(decodeReadingFast(hexToBytes(v.hex)), v.why).toBeUndefined();
  });

  it("reads any ASCII reading itself, with the general decoder's value (property)", () => {
    fc.assert(
      fc.property(asciiReadingArb, (r) => {
        const bytes = encodeReading(r);
        expect(decodeReadingFast(bytes)).toEqual(decodeGeneral(bytes));
        agrees(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees with the general decoder on any reading, where it answers (property)", () => {
    fc.assert(
      fc.property(anyReadingArb, (r) => agrees(encodeReading(r))),
      { numRuns: 1000 },
    );
  });

  it("never accepts changed bytes the general decoder refuses (property)", () => {
    fc.assert(
      fc.property(asciiReadingArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (r, mutations) => {
        let bytes = encodeReading(r);
        for (const m of mutations) bytes = mutate(bytes, m);
        agrees(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees on every single float encoding of a value, canonical or not", () => {
    const values = [1.5, 2, -0, 0.1, 65504, 65520, 1e-7, 2 ** -24, 3 * 2 ** -24, 100000.5, 2 ** 60, 1e300];
    for (const v of values) {
      const view = new DataView(new ArrayBuffer(8));
      const forms: number[][] = [];
      view.setFloat32(0, v);
      forms.push([0xfa, ...new Uint8Array(view.buffer, 0, 4)]);
      view.setFloat64(0, v);
      forms.push([0xfb, ...new Uint8Array(view.buffer, 0, 8)]);
      const canonical = encode({ deviceId: "d", seq: 1, timeMs: 1, values: { a: v } });
      agrees(canonical);
      for (const form of forms) {
        // {a: <form>} in place of the canonical value: the bytes between "values" a1 61 61 and "deviceId".
        const prefix = canonical.indexOf(0xa1) + 3;
        const suffix = canonical.lastIndexOf(0x68);
        const bytes = Uint8Array.from([...canonical.subarray(0, prefix), ...form, ...canonical.subarray(suffix)]);
        agrees(bytes);
      }
    }
  });
});
