import { ErrorCode } from "@citychain/protocol";
import { describe, expect, it } from "vitest";
import type { ContractRealm } from "../../src/sandbox/realm.ts";
import { ContractSandbox } from "../../src/sandbox/sandbox.ts";
import { bundleBytes, invokeOnce, SEED, STAND_IN_API, standInSandbox, testHost, text } from "./helpers.ts";

const sandbox = standInSandbox(`
  exports.evalCall = () => eval("1 + 1");
  exports.newFunction = () => new Function("return 1")();
  exports.functionConstructor = () => (() => {}).constructor("return globalThis")();
  exports.generatorConstructor = () => (function* () {}).constructor("yield 1");
  exports.processAccess = () => process.env;
  exports.requireFs = () => require("fs");
  exports.requireUnbundled = () => require("./not-bundled");
  exports.timer = () => setTimeout(() => {}, 0);
  exports.gone = () => JSON.stringify([typeof WebAssembly, typeof WeakRef, typeof FinalizationRegistry,
    typeof SharedArrayBuffer, typeof Atomics, typeof process, typeof require("fabric-shim")]);
  exports.strictPatch = () => { "use strict"; Array.prototype.push = () => 0; };
  exports.strictDefine = () => { "use strict"; Object.defineProperty(Object.prototype, "x", { value: 1 }); };
  exports.patchJson = () => { "use strict"; JSON.parse = () => 1; };
  exports.rebindGlobal = () => { "use strict"; Math = {}; };
  exports.errorSubclass = () => {
    "use strict";
    class NotFound extends Error { constructor(m) { super(m); this.name = "NotFound"; } }
    function Legacy() {}
    Legacy.prototype.toString = function () { return "legacy"; };
    return new NotFound("k").name + " " + String(new Legacy()) + " " + Object.isFrozen(Array.prototype);
  };
  exports.hostValues = (host) => {
    host.putState("k", Buffer.from("v"));
    const value = host.getState("k");
    const range = host.getStateRange("", "", 10);
    let fn;
    try { fn = value.constructor.constructor("return 1"); } catch (e) { fn = e.name; }
    return JSON.stringify({
      bytes: value instanceof Uint8Array, rangeIsArray: Array.isArray(range), entry: range[0] instanceof Object,
      args: Array.isArray(host.args), creator: host.creator instanceof Object, fn,
      transient: host.transient[0][1] instanceof Uint8Array,
    });
  };
  exports.hostError = (host) => {
    try { host.setEvent("bad", Buffer.from("x")); } catch (e) {
      let escape;
      try { escape = e.constructor.constructor("return process")(); } catch (inner) { escape = inner.name; }
      return JSON.stringify({ realmError: e instanceof Error, code: e.code, message: e.message, escape });
    }
  };
  exports.badArgs = (host) => host.putState("k", "not bytes");
  let kept;
  exports.keep = (host) => { kept = host; return "kept"; };
  exports.useKept = () => kept.getState("k");
  exports.setGlobal = () => { globalThis.leak = 1; return "set"; };
  exports.readGlobal = () => typeof globalThis.leak;
  exports.never = () => new Promise(() => {});
  exports.unhandled = () => { Promise.reject(new Error("nobody listens")); (async () => { throw new Error("x"); })(); return "ok"; };
  exports.catchBudget = () => { try { while (true) {} } catch (e) { return "caught " + e.code; } };
  exports.nested = (host) => host.invokeChaincode("self", ["nested"], "");
`);

function codeOf(outcome: { code?: string; message: string }): string | undefined {
  return outcome.code;
}

describe("isolation of the realm", () => {
  it.each([
    ["evalCall", /Code generation from strings disallowed/],
    ["newFunction", /Code generation from strings disallowed/],
    ["functionConstructor", /Code generation from strings disallowed/],
    ["generatorConstructor", /Code generation from strings disallowed/],
    ["processAccess", /process is not defined/],
  ])("refuses %s", (fn, message) => {
    const outcome = invokeOnce(sandbox, [fn]);
    expect(outcome.status).toBe(500);
    expect(outcome.message).toMatch(message);
  });

  it("refuses modules outside the bundle with a coded error naming them", () => {
    for (const fn of ["requireFs", "requireUnbundled"]) {
      const outcome = invokeOnce(sandbox, [fn]);
      expect(codeOf(outcome), fn).toBe(ErrorCode.CONTRACT_MODULE_UNAVAILABLE);
      expect(outcome.message).toMatch(/is not available to index\.js in the sandbox/);
    }
  });

  it("refuses timers with a coded error that says why", () => {
    const outcome = invokeOnce(sandbox, ["timer"]);
    expect(outcome.code).toBe(ErrorCode.CONTRACT_API_UNAVAILABLE);
    expect(outcome.message).toMatch(/setTimeout is not available in a contract/);
  });

  it("has no WebAssembly, weak references, shared memory or process, and provides the Fabric modules", () => {
    expect(JSON.parse(text(invokeOnce(sandbox, ["gone"])))).toEqual([
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "object",
    ]);
  });

  it.each([
    ["strictPatch", /read only property 'push'/],
    ["strictDefine", /not extensible/],
    ["patchJson", /read only property 'parse'/],
    ["rebindGlobal", /Assignment to constant|read only property 'Math'/],
  ])("has frozen intrinsics: %s fails", (fn, message) => {
    const outcome = invokeOnce(sandbox, [fn]);
    expect(outcome.status).toBe(500);
    expect(outcome.message).toMatch(message);
  });

  it("leaves sloppy-mode writes to intrinsics without effect", () => {
    const sloppy = standInSandbox(`
      exports.f = () => { Object.prototype.polluted = 1; Array.prototype.map = null; return String(({}).polluted) + " " + typeof [].map; };
      exports.g = () => { Array.prototype.push = null; };
    `);
    expect(text(invokeOnce(sloppy, ["f"]))).toBe("undefined function");
    // Properties made overridable (see lockdown.ts) refuse on the intrinsic itself in any mode, as SES does.
    expect(invokeOnce(sloppy, ["g"]).message).toMatch(/read only property 'push' of an intrinsic/);
  });

  it("still lets code shadow inherited properties (the override mistake is handled)", () => {
    expect(text(invokeOnce(sandbox, ["errorSubclass"]))).toBe("NotFound legacy true");
  });

  it("gives the contract only values of its own realm", () => {
    expect(JSON.parse(text(invokeOnce(sandbox, ["hostValues"])))).toEqual({
      bytes: true,
      rangeIsArray: true,
      entry: true,
      args: true,
      creator: true,
      fn: "EvalError",
      transient: true,
    });
  });

  it("turns host errors into realm errors that keep their code", () => {
    const realm = sandbox.createRealm();
    const host = testHost(["hostError"], {
      setEvent: () => {
        throw Object.assign(new Error("events are full"), { code: "CONTRACT_EVENT_LIMIT" });
      },
    });
    const r = JSON.parse(text(realm.invoke(host, { seed: SEED, budget: 100_000 })));
    expect(r).toEqual({
      realmError: true,
      code: "CONTRACT_EVENT_LIMIT",
      message: "events are full",
      escape: "EvalError",
    });
  });

  it("checks the arguments of host calls", () => {
    expect(invokeOnce(sandbox, ["badArgs"]).code).toBe(ErrorCode.CONTRACT_HOST_ARGS_INVALID);
  });

  it("closes an invocation's host when it ends", () => {
    const realm = sandbox.createRealm();
    expect(text(realm.invoke(testHost(["keep"]), { seed: SEED, budget: 100_000 }))).toBe("kept");
    expect(realm.invoke(testHost(["useKept"]), { seed: SEED, budget: 100_000 }).code).toBe(
      ErrorCode.CONTRACT_HOST_CLOSED,
    );
  });

  it("keeps realms apart", () => {
    const a = sandbox.createRealm();
    const b = sandbox.createRealm();
    expect(text(a.invoke(testHost(["setGlobal"]), { seed: SEED, budget: 100_000 }))).toBe("set");
    expect(text(a.invoke(testHost(["readGlobal"]), { seed: SEED, budget: 100_000 }))).toBe("number");
    expect(text(b.invoke(testHost(["readGlobal"]), { seed: SEED, budget: 100_000 }))).toBe("undefined");
  });

  it("fails a promise that never settles with its own code", () => {
    expect(invokeOnce(sandbox, ["never"]).code).toBe(ErrorCode.CONTRACT_NEVER_SETTLED);
  });

  it("keeps a contract's unhandled rejections away from the process", async () => {
    const seen: unknown[] = [];
    const listener = (reason: unknown) => seen.push(reason);
    process.on("unhandledRejection", listener);
    try {
      expect(text(invokeOnce(sandbox, ["unhandled"]))).toBe("ok");
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", listener);
    }
    expect(seen).toEqual([]);
  });

  it("does not let a contract catch its way out of an exhausted budget", () => {
    const outcome = invokeOnce(sandbox, ["catchBudget"], 10_000);
    expect(outcome.code).toBe(ErrorCode.CONTRACT_BUDGET_EXCEEDED);
    expect(text(outcome)).toBe("");
  });

  it("refuses to re-enter a realm that is running (a nested call needs its own realm)", () => {
    const realm: ContractRealm = sandbox.createRealm();
    const host = testHost(["nested"], {
      invokeChaincode: (_name, args) => realm.invoke(testHost([...args]), { seed: SEED, budget: 1000 }),
    });
    const outcome = realm.invoke(host, { seed: SEED, budget: 100_000 });
    expect(outcome.code).toBe(ErrorCode.SANDBOX_REALM_UNUSABLE);
    expect(realm.usable).toBe(true);
  });

  it("stops work the meter does not charge with the wall-clock backstop, as a fault of the node", () => {
    const regex = ContractSandbox.load(
      bundleBytes({ "index.js": "exports.f = () => /(a+)+$/.test('a'.repeat(40) + '!');" }),
      { apiSource: STAND_IN_API, timeoutMs: 50 },
    );
    const realm = regex.createRealm();
    let code: string | undefined;
    try {
      realm.invoke(testHost(["f"]), { seed: SEED, budget: 100_000 });
    } catch (e) {
      code = (e as { code?: string }).code;
    }
    expect(code).toBe(ErrorCode.SANDBOX_TIMEOUT);
    expect(realm.usable).toBe(false);
    expect(() => realm.invoke(testHost(["f"]), { seed: SEED, budget: 100_000 })).toThrow(/cannot run contracts/);
  });
});
