import { ErrorCode } from "@citychain/protocol";
import { describe, expect, it } from "vitest";
import { CALL_DEPTH_MAX } from "../../src/sandbox/limits.ts";
import { invokeOnce, standInSandbox, testHost, text } from "./helpers.ts";

/**
 * Runaway code must stop with the same code after the same number of ticks
 * everywhere: two sandboxes loaded separately stand for two nodes.
 */
const RUNAWAYS: Record<string, string> = {
  whileTrue: "() => { while (true) {} }",
  forEver: "() => { for (;;); }",
  doForever: "() => { let i = 0; do { i++; } while (true); }",
  forOfEndless: "() => { const a = [1]; for (const x of a) a.push(x); }",
  forInGrowing: "() => { const o = { a: 1 }; let n = 0; while (true) { for (const k in o) n++; } }",
  catchThenLoop: "() => { try { while (true) {} } catch {} while (true) {} }",
  loopInCatch: "() => { try { throw new Error('x'); } catch { while (true) {} } }",
  loopInFinally: "() => { try { return 1; } finally { for (;;) {} } }",
  retryForever: "() => { for (;;) { try { while (true) {} } catch (e) { continue; } } }",
  asyncAwaitLoop: "async () => { for (;;) { await null; } }",
  asyncPromiseChain: "async () => { const spin = () => Promise.resolve().then(spin); await spin(); }",
  generatorForever:
    "() => { function* g() { let i = 0; while (true) yield i++; } let s = 0; for (const x of g()) s += x; }",
  backgroundLoop: "() => { (async () => { for (;;) await null; })(); return 'returned early'; }",
  setterLoop: "() => { const o = { set x(v) { for (;;) {} } }; o.x = 1; }",
};

const DEPTH_BOMBS: Record<string, string> = {
  recursion: "() => { const f = (n) => f(n + 1) + 1; return f(0); }",
  mutualRecursion: "() => { function a(n) { return b(n) } function b(n) { return a(n + 1) } return a(0); }",
  caughtRecursion: "() => { const f = (n) => { try { return f(n + 1); } catch { return f(n + 1); } }; return f(0); }",
  asyncRecursion: "async () => { const f = async (n) => { await f(n + 1); }; await f(0); }",
  generatorDelegation: "() => { function* g() { yield* g(); } for (const x of g()) {} }",
  getterRecursion: "() => { const o = { get x() { return o.x; } }; return o.x; }",
  hugeSpread: "() => Math.max(...new Array(2e5).fill(1))",
  hugeApply: "() => Math.max.apply(null, new Array(2e5).fill(1))",
};

const ALLOCATION_BOMBS: Record<string, string> = {
  repeat: "() => 'x'.repeat(1e9).length",
  pad: "() => ''.padStart(1e9, 'ab').length",
  fillHuge: "() => new Array(1e8).fill(0).length",
  spreadDoubling: "() => { let a = [1]; for (;;) a = [...a, ...a]; }",
  concatDoubling: "() => { let a = [1]; for (;;) a = a.concat(a); }",
  joinBig: "() => new Array(1e8).join('ab').length",
  arrayFrom: "() => Array.from({ length: 1e9 }).length",
  typedArray: "() => new Float64Array(1e9).length",
  arrayBuffer: "() => new ArrayBuffer(2 ** 31).byteLength",
  bufferAlloc: "() => Buffer.alloc(1e9).length",
  stringifyDoubling: "() => { let s = ['x']; for (;;) s = [JSON.stringify(s), JSON.stringify(s)]; }",
};

function sourceOf(functions: Record<string, string>): string {
  return Object.entries(functions)
    .map(([name, fn]) => `exports.${name} = ${fn};`)
    .join("\n");
}

const runaways = standInSandbox(sourceOf(RUNAWAYS));
const runawaysAgain = standInSandbox(sourceOf(RUNAWAYS));
const depth = standInSandbox(sourceOf(DEPTH_BOMBS));
const depthAgain = standInSandbox(sourceOf(DEPTH_BOMBS));
const bombs = standInSandbox(sourceOf(ALLOCATION_BOMBS));

describe("the execution budget", () => {
  it.each(Object.keys(RUNAWAYS))("stops %s with the budget code at the same tick in two sandboxes", (name) => {
    const first = invokeOnce(runaways, [name], 50_000);
    const second = invokeOnce(runawaysAgain, [name], 50_000);
    expect(first.code).toBe(ErrorCode.CONTRACT_BUDGET_EXCEEDED);
    expect(first.status).toBe(500);
    expect(first.ticksUsed).toBe(50_000);
    expect(second).toEqual(first);
  });

  it("is the same in a reused realm as in a fresh one", () => {
    const realm = runaways.createRealm();
    const host = () => ({ seed: new Uint8Array([1]), budget: 20_000 });
    const a = realm.invoke(testHost(["catchThenLoop"]), host());
    const b = realm.invoke(testHost(["catchThenLoop"]), host());
    expect(b).toEqual(a);
    expect(a.code).toBe(ErrorCode.CONTRACT_BUDGET_EXCEEDED);
  });

  it.each(Object.keys(DEPTH_BOMBS))("stops %s with the depth code, identically in two sandboxes", (name) => {
    const first = invokeOnce(depth, [name], 1_000_000);
    const second = invokeOnce(depthAgain, [name], 1_000_000);
    expect(first.code).toBe(ErrorCode.CONTRACT_CALL_DEPTH_EXCEEDED);
    expect(first.message).toContain(String(CALL_DEPTH_MAX));
    expect(second).toEqual(first);
  });

  it.each(Object.keys(ALLOCATION_BOMBS))(
    "stops the allocation bomb %s with the budget code before it allocates",
    (name) => {
      const outcome = invokeOnce(bombs, [name], 1_000_000);
      // A RangeError or an out-of-memory crash would mean the allocation was attempted.
      expect(outcome.code, outcome.message).toBe(ErrorCode.CONTRACT_BUDGET_EXCEEDED);
      expect(outcome.ticksUsed).toBe(1_000_000);
    },
  );

  it("lets bounded work finish, and counts the same ticks every time", () => {
    const sandbox = standInSandbox(`
      exports.work = (host, n) => {
        let total = 0;
        for (let i = 0; i < Number(n); i++) total += [i, i + 1].map((x) => x * 2).reduce((a, b) => a + b, 0);
        return String(total);
      };
      exports.deepButFine = () => { const f = (n) => (n === 0 ? 0 : 1 + f(n - 1)); return String(f(${CALL_DEPTH_MAX - 10})); };
    `);
    const a = invokeOnce(sandbox, ["work", "1000"]);
    const b = invokeOnce(sandbox, ["work", "1000"]);
    expect(a.status).toBe(200);
    expect(text(a)).toBe("2000000");
    expect(b.ticksUsed).toBe(a.ticksUsed);
    expect(a.ticksUsed).toBeGreaterThan(3000);
    expect(text(invokeOnce(sandbox, ["deepButFine"]))).toBe(String(CALL_DEPTH_MAX - 10));
  });

  it("keeps the depth count right across awaits and yields (no drift over many suspensions)", () => {
    const sandbox = standInSandbox(`
      exports.manyAwaits = async () => {
        const step = async (i) => { await null; if (i % 2) throw new Error('odd'); return i; };
        let ok = 0;
        for (let i = 0; i < 2000; i++) { try { ok += await step(i); } catch {} }
        const all = await Promise.allSettled(Array.from({ length: 2000 }, (_, i) => step(i)));
        return String(ok + all.length);
      };
      exports.manyYields = () => {
        function* g() { for (let i = 0; i < 3000; i++) { try { yield i; } finally { } } }
        let s = 0; for (const x of g()) s += x;
        const it = g(); it.next(); it.throw(new Error('stop')) ;
        return String(s);
      };
      exports.throwingCallbacks = async () => {
        for (let i = 0; i < 1000; i++) await Promise.resolve().then(() => { throw 1; }).catch(() => {});
        return 'ok';
      };
    `);
    expect(text(invokeOnce(sandbox, ["manyAwaits"], 5_000_000))).toBe(String(999_000 + 2000));
    const yields = invokeOnce(sandbox, ["manyYields"], 5_000_000);
    expect(yields.message).toBe("stop");
    expect(text(invokeOnce(sandbox, ["throwingCallbacks"], 5_000_000))).toBe("ok");
  });

  it("charges the module's top level to loading, not to invocations", () => {
    const sandbox = standInSandbox("for (let i = 0; i < 1000; i++) {}\nexports.f = () => 'x';");
    const realm = sandbox.createRealm();
    expect(realm.loadOutcome.status).toBe(200);
    expect(realm.loadOutcome.ticksUsed).toBeGreaterThan(1000);
    expect(invokeOnce(sandbox, ["f"]).ticksUsed).toBeLessThan(20);
  });

  it("fails every invocation with the load code when the top level runs away", () => {
    const sandbox = standInSandbox("while (true) {}\nexports.f = () => 'x';");
    const realm = sandbox.createRealm();
    expect(realm.loadOutcome.code).toBe(ErrorCode.CONTRACT_BUDGET_EXCEEDED);
    expect(invokeOnce(sandbox, ["f"]).code).toBe(ErrorCode.CONTRACT_LOAD_FAILED);
  });
});
