import { describe, expect, it } from "vitest";
import { invokeOnce, SEED, standInSandbox, testHost, text } from "./helpers.ts";

const sandbox = standInSandbox(`
  exports.now = (host) => JSON.stringify({
    now: Date.now(), created: new Date().getTime(), called: Date(), block: host.timestampMs,
    explicit: new Date(0).toISOString(), parsed: Date.parse("2024-01-02T03:04:05Z"),
    local: new Date(2024, 0, 1, 12).toISOString(), offset: new Date(2024, 6, 1).getTimezoneOffset(),
    subclass: new (class extends Date {})().getTime(), isDate: new Date() instanceof Date,
  });
  exports.random = () => JSON.stringify(Array.from({ length: 5 }, () => Math.random()));
  exports.locale = () => JSON.stringify({
    intl: typeof Intl, number: (1234567.891).toLocaleString(), date: new Date(0).toLocaleString(),
    compare: ["b", "a", "C"].sort((x, y) => x.localeCompare(y)),
  });
  exports.stack = () => { function inner() { return new Error("where").stack; } return inner(); };
  exports.log = () => { console.log("%s has %d items", "cart", 3, { a: 1 }); console.warn("careful"); return "logged"; };
  exports.codecs = () => {
    const bytes = new TextEncoder().encode("héllo");
    const util = require("util");
    return JSON.stringify({
      bytes: Array.from(bytes), back: new TextDecoder().decode(bytes), isBuffer: Buffer.isBuffer(Buffer.from("x")),
      format: util.format("%s=%j", "a", { b: 1 }), same: require("buffer").Buffer === Buffer,
      microtask: typeof queueMicrotask,
    });
  };
`);

describe("determinism inside the realm", () => {
  it("gives the block time as the only clock, in UTC", () => {
    const r = JSON.parse(text(invokeOnce(sandbox, ["now"])));
    expect(r.now).toBe(r.block);
    expect(r.created).toBe(r.block);
    expect(r.subclass).toBe(r.block);
    expect(r.isDate).toBe(true);
    expect(r.called).toBe(String(new Date(r.block)));
    expect(r.explicit).toBe("1970-01-01T00:00:00.000Z");
    expect(r.parsed).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(r.local).toBe("2024-01-01T12:00:00.000Z");
    expect(r.offset).toBe(0);
  });

  it("gives the same Math.random sequence for the same seed, in any realm, and another for another seed", () => {
    const run = (seed: Uint8Array) =>
      JSON.parse(text(sandbox.createRealm().invoke(testHost(["random"]), { seed, budget: 100_000 }))) as number[];
    const a = run(new Uint8Array([1, 2, 3]));
    expect(run(new Uint8Array([1, 2, 3]))).toEqual(a);
    expect(run(new Uint8Array([1, 2, 4]))).not.toEqual(a);
    expect(new Set(a).size).toBe(5);
    for (const x of a) expect(x >= 0 && x < 1).toBe(true);
    // Reseeded per invocation: a reused realm repeats the sequence for the same seed.
    const realm = sandbox.createRealm();
    const again = () => text(realm.invoke(testHost(["random"]), { seed: SEED, budget: 100_000 }));
    expect(again()).toBe(again());
  });

  it("has no Intl and answers locale-sensitive methods in en-US", () => {
    const r = JSON.parse(text(invokeOnce(sandbox, ["locale"])));
    expect(r).toEqual({
      intl: "undefined",
      number: "1,234,567.891",
      date: "1/1/1970, 12:00:00 AM",
      compare: ["a", "b", "C"],
    });
  });

  it("shows only the realm's own frames in stack traces, never host paths", () => {
    const stack = text(invokeOnce(sandbox, ["stack"]));
    expect(stack.split("\n")[0]).toBe("Error: where");
    expect(stack).toContain("at inner (chaincode/test-cc@1.0.0/index.js:");
    expect(stack).not.toMatch(/node:|file:|\/work\/|\.ts:/);
    expect(text(invokeOnce(standInSandbox(sandbox.bundle.files["index.js"]), ["stack"]))).toBe(stack);
  });

  it("sends console output to the host's log", () => {
    const host = testHost(["log"]);
    const outcome = sandbox.createRealm().invoke(host, { seed: SEED, budget: 100_000 });
    expect(text(outcome)).toBe("logged");
    expect(host.logs).toEqual(['info: cart has 3 items {"a":1}', "warn: careful"]);
  });

  it("provides Buffer, TextEncoder, TextDecoder, a small util and queueMicrotask", () => {
    expect(JSON.parse(text(invokeOnce(sandbox, ["codecs"])))).toEqual({
      bytes: [104, 195, 169, 108, 108, 111],
      back: "héllo",
      isBuffer: true,
      format: 'a={"b":1}',
      same: true,
      microtask: "function",
    });
  });
});
