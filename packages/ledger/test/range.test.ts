import { ErrorCode, utf8ToBytes } from "@citychain/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger, STATE_RANGE_LIMIT_DEFAULT, STATE_RANGE_LIMIT_MAX, type StateRangeOptions } from "../src/index.ts";
import { appHashAt, sampleBlock, TEST_GENESIS_HASH } from "./fixtures/sample-block.ts";
import { makeTempDir } from "./fixtures/temp-dir.ts";

/** Keys over a tiny alphabet with 0x00 and 0xff, so prefixes, near-misses and edge bytes are common. */
const ALPHABET = [0x00, 0x61, 0x62, 0xff];
const keyArb = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 4 }).map((a) => Uint8Array.from(a));
const boundArb = fc.option(
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 }).map((a) => Uint8Array.from(a)),
  {
    nil: undefined,
  },
);

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

/** The reference: filter and sort the full key set in memory. */
function model(keys: Uint8Array[], o: StateRangeOptions): string[] {
  const inRange = keys.filter(
    (key) =>
      (o.start === undefined || Buffer.compare(key, o.start) >= 0) &&
      (o.end === undefined || Buffer.compare(key, o.end) < 0) &&
      (o.prefix === undefined || Buffer.from(key).subarray(0, o.prefix.length).equals(o.prefix)),
  );
  inRange.sort(Buffer.compare);
  if (o.reverse) inRange.reverse();
  return inRange.slice(0, o.limit ?? STATE_RANGE_LIMIT_DEFAULT).map(hex);
}

describe("getStateRange", () => {
  let tmp: { dir: string; cleanup: () => void };
  let ledger: Ledger;
  const keys: Uint8Array[] = [];

  beforeAll(async () => {
    tmp = makeTempDir("range");
    ledger = Ledger.open(tmp.dir);
    await ledger.initGenesis(TEST_GENESIS_HASH, [], appHashAt(0));
    // Every key of length 1..3 over the alphabet: 4 + 16 + 64 keys.
    const all: number[][] = [[]];
    for (let len = 1; len <= 3; len++) {
      for (const p of all.filter((a) => a.length === len - 1)) for (const c of ALPHABET) all.push([...p, c]);
    }
    for (const a of all.slice(1)) keys.push(Uint8Array.from(a));
    await ledger.commitBlock(sampleBlock(1, [keys.map((key) => ({ key, value: key }))]));
  });
  afterAll(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  it("matches an in-memory model for any start, end, prefix, limit and direction", () => {
    fc.assert(
      fc.property(
        boundArb,
        boundArb,
        fc.option(keyArb, { nil: undefined }),
        fc.option(fc.nat(30), { nil: undefined }),
        fc.boolean(),
        (start, end, prefix, limit, reverse) => {
          const o: StateRangeOptions = { start, end, prefix, limit, reverse };
          const got = ledger.getStateRange(o);
          expect(got.map((e) => hex(e.key))).toEqual(model(keys, o));
          for (const e of got) expect(e.value).toEqual(e.key);
        },
      ),
      { numRuns: 500, seed: 20_240_601 },
    );
  });

  it("scans a prefix exactly, including an all-0xff prefix with no upper bound", () => {
    expect(ledger.getStateRange({ prefix: Uint8Array.of(0x61, 0x62) }).map((e) => hex(e.key))).toEqual([
      "6162",
      "616200",
      "616261",
      "616262",
      "6162ff",
    ]);
    expect(ledger.getStateRange({ prefix: Uint8Array.of(0xff, 0xff), reverse: true }).map((e) => hex(e.key))).toEqual([
      "ffffff",
      "ffff62",
      "ffff61",
      "ffff00",
      "ffff",
    ]);
  });

  it("returns at most the default limit and refuses more than the maximum", () => {
    expect(ledger.getStateRange({}).length).toBe(Math.min(keys.length, STATE_RANGE_LIMIT_DEFAULT));
    expect(() => ledger.getStateRange({ limit: STATE_RANGE_LIMIT_MAX + 1 })).toThrow(
      expect.objectContaining({ code: ErrorCode.LEDGER_RANGE_LIMIT_EXCEEDED }),
    );
    expect(() => ledger.getStateRange({ limit: -1 })).toThrow(
      expect.objectContaining({ code: ErrorCode.LEDGER_RANGE_LIMIT_EXCEEDED }),
    );
    expect(ledger.getStateRange({ start: utf8ToBytes("b"), end: utf8ToBytes("a") })).toEqual([]);
  });
});
