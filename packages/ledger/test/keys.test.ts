import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { historyKey, historyKeyPrefix, parseHistoryKeySuffix, prefixEnd } from "../src/keys.ts";

const bytes = fc.uint8Array({ minLength: 1, maxLength: 8 });

describe("history keys", () => {
  it("never put an entry of one state key inside the scan range of another", () => {
    fc.assert(
      fc.property(bytes, bytes, fc.nat(1_000_000), fc.nat(1000), (a, b, height, index) => {
        fc.pre(!Buffer.from(a).equals(Buffer.from(b)));
        const entryOfB = historyKey(b, height, index);
        const lo = historyKeyPrefix(a);
        const hi = prefixEnd(lo)!;
        const inside = Buffer.compare(entryOfB, lo) >= 0 && Buffer.compare(entryOfB, hi) < 0;
        expect(inside).toBe(false);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it("sort by height, then tx index, within one key and round-trip both", () => {
    fc.assert(
      fc.property(bytes, fc.nat(2 ** 40), fc.nat(2 ** 31), fc.nat(2 ** 40), fc.nat(2 ** 31), (k, h1, i1, h2, i2) => {
        const c = Math.sign(Buffer.compare(historyKey(k, h1, i1), historyKey(k, h2, i2)));
        expect(c).toBe(Math.sign(h1 - h2 || i1 - i2));
        expect(parseHistoryKeySuffix(historyKey(k, h1, i1))).toEqual({ height: h1, txIndex: i1 });
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});

describe("prefixEnd", () => {
  it("is the least key above every key with the prefix", () => {
    expect(prefixEnd(Uint8Array.of(1, 2))).toEqual(Uint8Array.of(1, 3));
    expect(prefixEnd(Uint8Array.of(1, 0xff))).toEqual(Uint8Array.of(2));
    expect(prefixEnd(Uint8Array.of(0xff, 0xff))).toBeUndefined();
  });
});
