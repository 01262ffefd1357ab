/**
 * Instrumentation must not change what code computes: each program below
 * runs natively (uninstrumented, in a plain context) and in the sandbox, and
 * both must give the same answer.
 */
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { invokeOnce, standInSandbox, text } from "./helpers.ts";

const PROGRAMS: Record<string, string> = {
  yieldStar: `() => {
    function* inner() { const got = yield 1; yield got * 2; return "inner done"; }
    function* outer() { const r = yield* inner(); yield r; yield* [7, 8]; yield* "ab"; }
    const it = outer(); const out = [it.next().value, it.next(21).value];
    for (const x of it) out.push(x);
    return out;
  }`,
  generatorThrowAndReturn: `() => {
    const log = [];
    function* g() { try { yield 1; yield 2; } catch (e) { log.push("caught " + e); yield 3; } finally { log.push("finally"); } }
    const a = g(); log.push(a.next().value, a.throw("boom").value, a.next().done);
    const b = g(); b.next(); log.push(b.return("early").value);
    function* d() { yield* g(); } const c = d(); c.next(); log.push(c.throw("via delegate").value, c.return("r").value);
    return log;
  }`,
  asyncFlow: `async () => {
    const log = [];
    const wait = (v) => Promise.resolve(v);
    async function* ticks() { for (let i = 0; i < 3; i++) yield await wait(i); }
    for await (const t of ticks()) log.push(t);
    async function* outer() { yield* ticks(); yield* [10, 11]; }
    for await (const t of outer()) log.push(t);
    try { await Promise.reject(new Error("no")); } catch (e) { log.push(e.message); } finally { log.push("fin"); }
    const settled = await Promise.all([wait(1), (async () => { await null; return 2; })()]);
    log.push(...settled);
    queueMicrotask(() => log.push("micro"));
    await null;
    return log;
  }`,
  ordering: `async () => {
    const log = [];
    Promise.resolve().then(() => log.push("a")).then(() => log.push("b"));
    (async () => { log.push("c"); await null; log.push("d"); await null; log.push("e"); })();
    log.push("sync");
    await null; await null; await null;
    return log;
  }`,
  loopsAndLabels: `() => {
    const out = [];
    outer: for (let i = 0; i < 4; i++) { for (const j of [0, 1, 2]) { if (j === 1) continue outer; if (i === 3) break outer; out.push(i + ":" + j); } }
    let k = 0; do k++; while (k < 5); out.push(k);
    const fns = []; for (let i = 0; i < 3; i++) fns.push(() => i); out.push(fns.map((f) => f()));
    for (const key in { x: 1, y: 2 }) out.push(key);
    let w = 3; while (w--) out.push(w);
    return out;
  }`,
  tryFinallyReturns: `() => {
    function f() { try { return "try"; } finally { void 0; } }
    function g() { try { throw new Error("x"); } catch { return "catch"; } finally { void 0; } }
    function h() { for (;;) { try { break; } finally { void 0; } } return "after"; }
    function o() { try { return 1; } finally { return 2; } }
    return [f(), g(), h(), o()];
  }`,
  classesAndSpread: `() => {
    class Base { constructor(...args) { this.args = args; } get size() { return this.args.length; } static make(...a) { return new this(...a); } }
    class Child extends Base { constructor(...args) { super(...args, "extra"); } tag = "child"; static { this.kind = "static"; } }
    const c = Child.make(1, 2);
    const { args, ...rest } = { ...c };
    const [first, ...others] = c.args;
    const maybe = null;
    return { args, rest, first, others, size: c.size, kind: Child.kind, opt: maybe?.f(...others), max: Math.max(...[3, 9, 4]) };
  }`,
  functionsAndHoisting: `() => {
    "use strict";
    function hoisted() { return typeof later; function later() {} }
    const arrow = (a, b = a * 2, ...r) => ({ a, b, r });
    function args() { return arguments.length; }
    const tag = (s, ...v) => s.raw.join("|") + v.join(",");
    return [hoisted(), arrow(1), arrow(1, 5, 6, 7), args(1, 2, 3), tag\`x\${1}y\${2}\`, (function () { return this; })()];
  }`,
  varFunctionSameName: `() => {
    function f() { var g = 1; function g() {} return typeof g; }
    function h(n) { var k; function k() { return n; } if (n > 1) return h(n - 1); return k(); }
    return [f(), h(3)];
  }`,
  gettersSettersAndErrors: `() => {
    const o = { _v: 1, get v() { return this._v; }, set v(x) { this._v = x * 10; } };
    o.v = 2;
    class E extends Error { constructor(m) { super(m); this.name = "E"; } }
    let caught;
    try { throw new E("bad"); } catch ({ name, message }) { caught = name + ":" + message; }
    return [o.v, caught, String(new E("s")), JSON.stringify([1, "a", { b: null }])];
  }`,
  deepButLegal: `() => {
    const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    const sum = (n) => (n === 0 ? 0 : n + sum(n - 1));
    return [fib(20), sum(200)];
  }`,
};

function sourceOf(programs: Record<string, string>): string {
  return Object.entries(programs)
    .map(([name, fn]) => `exports.${name} = ${fn};`)
    .join("\n");
}

/** Runs a program uninstrumented in a plain context with the same globals the sandbox offers. */
async function runNatively(name: string): Promise<string> {
  const context = vm.createContext({ queueMicrotask });
  const exports: Record<string, () => unknown> = {};
  vm.runInContext(`(function (exports) {${sourceOf(PROGRAMS)}\n})`, context)(exports);
  const result = await exports[name]();
  return typeof result === "string" ? result : JSON.stringify(result);
}

const sandbox = standInSandbox(sourceOf(PROGRAMS));

describe("instrumented code computes what the original computes", () => {
  it.each(Object.keys(PROGRAMS))("%s", async (name) => {
    const outcome = invokeOnce(sandbox, [name], 5_000_000);
    expect(outcome.status, outcome.message).toBe(200);
    expect(text(outcome)).toBe(await runNatively(name));
  });
});
