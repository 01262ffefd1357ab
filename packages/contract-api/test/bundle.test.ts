/**
 * The API as the sandbox runs it: one esbuild bundle of `src/index.ts`,
 * evaluated in a fresh `node:vm` realm whose only addition is a `Buffer`
 * from the `buffer` npm package (bundled and evaluated inside that realm),
 * with `Math.random` and `Date.now` made to throw and, once the API and the
 * contract are loaded, the built-in prototypes frozen (as a lockdown does). A
 * small contract runs through `dispatch` there against a host from this realm.
 */

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createContext, runInContext } from "node:vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import type { ChaincodeModule, ContractHost, DispatchResult } from "../src/index.ts";
import { createMemoryHost, type MemoryHost, text } from "./helpers/memory-host.ts";

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

async function bundle(options: Parameters<typeof build>[0]): Promise<string> {
  const result = await build({ bundle: true, write: false, logLevel: "silent", ...options });
  return result.outputFiles![0].text;
}

const CONTRACTS = `
const { Contract, Context, Transaction } = api.fabricContractApi;
class Kv extends Contract {
  constructor() { super("kv"); }
  async put(ctx, key, value) {
    await ctx.stub.putState(key, Buffer.from(value));
    return { key, size: value.length, at: ctx.stub.getDateTimestamp().toISOString() };
  }
  async get(ctx, key) { return (await ctx.stub.getState(key)).toString(); }
  async list(ctx) {
    const keys = [];
    for await (const kv of ctx.stub.getStateByRange("", "")) keys.push(kv.key);
    return keys;
  }
  async who(ctx) { return ctx.clientIdentity.getID(); }
  async odd(ctx) { return { toString: "t", constructor: "c", __proto__: null }; }
}
class Calc extends Contract {
  async add(ctx, a, b) { return a + b; }
}
// What TypeScript emits for add(ctx: Context, a: number, b: number) under emitDecoratorMetadata.
Reflect.defineMetadata("design:paramtypes", [Context, Number, Number], Calc.prototype, "add");
Transaction(false)(Calc.prototype, "add");
globalThis.chaincode = { contracts: [Kv, Calc] };
`;

// What a lockdown does to the realm before contracts run: built-in prototypes become read-only.
const LOCKDOWN = `
for (const name of ["Object", "Array", "Function", "Promise", "Map", "Set", "Error", "String", "Number", "Boolean",
  "Symbol", "Date", "RegExp", "Uint8Array", "ArrayBuffer", "WeakMap"]) {
  Object.freeze(globalThis[name].prototype);
  Object.freeze(globalThis[name]);
}
Object.freeze(Reflect);
`;

describe("the bundled API in a realm of its own", () => {
  let apiCode: string;
  let sandbox: Record<string, unknown>;
  let dispatchInSandbox: (args: string[], host?: MemoryHost) => Promise<DispatchResult>;

  beforeAll(async () => {
    apiCode = await bundle({
      entryPoints: [resolve(PACKAGE_ROOT, "src/index.ts")],
      format: "cjs",
      platform: "neutral",
    });
    const bufferCode = await bundle({
      stdin: { contents: 'module.exports = require("buffer");', resolveDir: PACKAGE_ROOT },
      format: "iife",
      globalName: "bufferPackage",
      platform: "neutral",
      mainFields: ["main"],
    });
    sandbox = createContext({});
    runInContext(
      `Math.random = () => { throw new Error("Math.random is not available"); };
       Date.now = () => { throw new Error("Date.now is not available"); };`,
      sandbox,
    );
    runInContext(`${bufferCode}\nglobalThis.Buffer = bufferPackage.Buffer;`, sandbox);
    runInContext(
      `const module = { exports: {} };
       (function (module, exports) {\n${apiCode}\n})(module, module.exports);
       globalThis.api = module.exports;`,
      sandbox,
    );
    runInContext(CONTRACTS, sandbox);
    runInContext(LOCKDOWN, sandbox);
    const api = sandbox.api as {
      dispatch: (chaincode: ChaincodeModule, host: ContractHost) => Promise<DispatchResult>;
    };
    dispatchInSandbox = (args, host = createMemoryHost()) => {
      host.args = args;
      return api.dispatch(sandbox.chaincode as ChaincodeModule, host);
    };
  });

  it("has no imports left: no require of node builtins or anything else", () => {
    expect(apiCode).not.toMatch(/\brequire\(/);
    expect(apiCode).not.toMatch(/node:/);
  });

  it("exports the two module objects with exactly the real packages' runtime names", () => {
    const api = sandbox.api as Record<string, object>;
    expect(Object.keys(api.fabricContractApi)).toEqual([
      "Contract",
      "Context",
      "Transaction",
      "Returns",
      "Param",
      "Object",
      "Property",
      "Info",
      "Default",
      "JSONSerializer",
    ]);
    expect(Object.keys(api.fabricShim)).toEqual([
      "start",
      "success",
      "error",
      "newLogger",
      "server",
      "Shim",
      "ClientIdentity",
      "Stub",
      "ChaincodeStub",
      "Iterators",
      "HistoryQueryIterator",
      "StateQueryIterator",
      "ChaincodeInterface",
      "KeyEndorsementPolicy",
    ]);
  });

  it("uses the realm's own Buffer (the buffer package), not this realm's", () => {
    expect(runInContext("Buffer.from('abc').toString('base64')", sandbox)).toBe("YWJj");
    expect(runInContext("Buffer", sandbox)).not.toBe(Buffer);
    expect(runInContext("Buffer.from('x') instanceof Uint8Array", sandbox)).toBe(true);
  });

  it("runs a contract through dispatch against a host from another realm", async () => {
    const host = createMemoryHost({ timestampMs: 1_700_000_000_000 });
    const put = await dispatchInSandbox(["put", "k1", "hello"], host);
    expect(put.status).toBe(200);
    expect(JSON.parse(text(put.payload))).toEqual({ key: "k1", size: 5, at: "2023-11-14T22:13:20.000Z" });
    // The reply's bytes belong to the sandbox realm.
    expect(put.payload instanceof Uint8Array).toBe(false);
    expect(text(host.state.get("k1")!)).toBe("hello");
    await dispatchInSandbox(["put", "k0", "zero"], host);
    expect(text((await dispatchInSandbox(["kv:get", "k1"], host)).payload)).toBe("hello");
    expect(text((await dispatchInSandbox(["list"], host)).payload)).toBe('["k0","k1"]');
    expect(text((await dispatchInSandbox(["who"], host)).payload)).toBe(host.creator.id);
    // Member names of Object.prototype survive serialization although it is frozen.
    expect(text((await dispatchInSandbox(["odd"], host)).payload)).toBe('{"toString":"t","constructor":"c"}');
  });

  it("converts arguments by decorator metadata and reports unknown functions in that realm", async () => {
    expect(text((await dispatchInSandbox(["Calc:add", "2", "40"])).payload)).toBe("42");
    expect(await dispatchInSandbox(["Calc:add", "2", "x"])).toMatchObject({
      status: 500,
      message: "fromBuffer could not convert data to number",
      code: "CONTRACT_ARGS_INVALID",
    });
    expect(await dispatchInSandbox(["kv:nope"])).toMatchObject({ status: 500, code: "CONTRACT_FUNCTION_UNKNOWN" });
    const metadata = JSON.parse(text((await dispatchInSandbox(["org.hyperledger.fabric:GetMetadata"])).payload));
    expect(Object.keys(metadata.contracts)).toEqual(["kv", "Calc", "org.hyperledger.fabric"]);
  });
});
