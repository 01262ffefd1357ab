/**
 * What the sandbox costs, printed, never asserted:
 * `node --import tsx packages/runtime/src/sandbox/bench-sandbox.ts`.
 *
 * - first use in a process (esbuild bundles of the boot code, `buffer` and the contract API);
 * - `createRealm` (context, boot, buffer, API, lockdown, chaincode load);
 * - one trivial invocation through a minimal dispatcher, and through the
 *   real contract API, each beside the same call made natively in the host;
 * - a tight loop, instrumented in the realm and native.
 */

import { dispatch, fabricContractApi } from "@citychain/contract-api";
import type { ContractHost } from "@citychain/contract-api/host";
import { CHAINCODE_BUNDLE_FORMAT, encodeBundle } from "./bundle.ts";
import { SANDBOX_TIMEOUT_MS } from "./limits.ts";
import { ContractSandbox } from "./sandbox.ts";

const MINIMAL_API = `
exports.dispatch = async (chaincode, host) => ({ status: 200, message: "", payload: Buffer.from(String(await chaincode[host.args[0]](host, host.args[1]))) });
exports.fabricContractApi = {}; exports.fabricShim = {};
`;

const MINIMAL = `
exports.hello = (host, name) => "hello " + name;
exports.loop = (host, n) => { const count = Number(n); let s = 0; for (let i = 0; i < count; i++) s += i; return s; };
`;

const REAL = `
const { Contract } = require("fabric-contract-api");
class Hello extends Contract { async hello(ctx, name) { return "hello " + name; } }
exports.contracts = [Hello];
`;

function host(args: string[]): ContractHost {
  return {
    txId: "ab".repeat(32),
    channelId: "bench",
    timestampMs: 1_700_000_000_000,
    args,
    transient: [],
    creator: { mspId: "Org1MSP", id: "x509::/CN=u::/CN=ca", certPem: "", attributes: {} },
    readOnly: false,
    getState: () => undefined,
    putState: () => {},
    deleteState: () => {},
    getStateRange: () => [],
    getHistory: () => [],
    setEvent: () => {},
    invokeChaincode: () => ({ status: 200, message: "", payload: new Uint8Array(0) }),
    getPrivateData: () => undefined,
    getPrivateDataHash: () => undefined,
    putPrivateData: () => {},
    deletePrivateData: () => {},
    purgePrivateData: () => {},
    getPrivateDataRange: () => [],
    setValidationParameter: () => {},
    getValidationParameter: () => undefined,
    log: () => {},
  };
}

function bundle(source: string): Uint8Array {
  return encodeBundle({
    format: CHAINCODE_BUNDLE_FORMAT,
    name: "bench",
    version: "1",
    main: "index.js",
    files: { "index.js": source },
    resolutions: {},
  }).bytes;
}

function timeMs(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsyncMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function show(label: string, value: number, unit: string): void {
  console.log(`${label.padEnd(60)} ${value.toFixed(unit === "ns" ? 2 : 1).padStart(10)} ${unit}`);
}

/** Mean time of one call, in `unit`. */
function mean(totalMs: number, n: number, unit: "ms" | "µs" | "ns"): number {
  const scale = unit === "ms" ? 1 : unit === "µs" ? 1_000 : 1_000_000;
  return (totalMs * scale) / n;
}

const seed = new Uint8Array([1]);
const budget = 100_000_000;

show(
  "first use in a process (esbuild bundles, then one realm)",
  timeMs(() => {
    ContractSandbox.load(bundle(REAL)).createRealm();
  }),
  "ms",
);

for (const timeoutMs of [SANDBOX_TIMEOUT_MS, 0]) {
  const backstop = timeoutMs > 0 ? "with backstop" : "backstop off";
  console.log(`\n-- ${backstop} (timeoutMs ${timeoutMs})`);
  const minimal = ContractSandbox.load(bundle(MINIMAL), { apiSource: MINIMAL_API, timeoutMs });
  const real = ContractSandbox.load(bundle(REAL), { timeoutMs });
  const realms = 50;
  for (const [label, sandbox] of [
    ["createRealm, minimal dispatcher", minimal],
    ["createRealm, real contract API", real],
  ] as const) {
    sandbox.createRealm();
    const total = timeMs(() => {
      for (let i = 0; i < realms; i++) sandbox.createRealm();
    });
    show(label, mean(total, realms, "ms"), "ms");
  }

  const calls = 20_000;
  const minimalRealm = minimal.createRealm();
  const minimalHost = host(["hello", "city"]);
  for (let i = 0; i < 1000; i++) minimalRealm.invoke(minimalHost, { seed, budget });
  const minimalTotal = timeMs(() => {
    for (let i = 0; i < calls; i++) minimalRealm.invoke(minimalHost, { seed, budget });
  });
  show("invoke a trivial function, minimal dispatcher, sandbox", mean(minimalTotal, calls, "µs"), "µs");

  const realRealm = real.createRealm();
  const realHost = host(["hello", "city"]);
  for (let i = 0; i < 1000; i++) realRealm.invoke(realHost, { seed, budget });
  const realTotal = timeMs(() => {
    for (let i = 0; i < calls; i++) realRealm.invoke(realHost, { seed, budget });
  });
  show("invoke a trivial Contract method, real contract API, sandbox", mean(realTotal, calls, "µs"), "µs");

  const iterations = 10_000_000;
  const loopHost = host(["loop", String(iterations)]);
  minimalRealm.invoke(loopHost, { seed, budget });
  show(
    "one loop iteration, instrumented, sandbox",
    mean(
      timeMs(() => minimalRealm.invoke(loopHost, { seed, budget })),
      iterations,
      "ns",
    ),
    "ns",
  );
}

console.log("\n-- native, in the host");
const calls = 20_000;
const nativeHello = async (_h: ContractHost, name: string) => `hello ${name}`;
const helloHost = host(["hello", "city"]);
const nativeTotal = await timeAsyncMs(async () => {
  for (let i = 0; i < calls; i++) await nativeHello(helloHost, "city");
});
show("the same trivial function, awaited", mean(nativeTotal, calls, "µs"), "µs");
class Hello extends fabricContractApi.Contract {
  async hello(_ctx: unknown, name: string): Promise<string> {
    return `hello ${name}`;
  }
}
const nativeModule = { contracts: [Hello] };
for (let i = 0; i < 1000; i++) await dispatch(nativeModule, helloHost);
const dispatchTotal = await timeAsyncMs(async () => {
  for (let i = 0; i < calls; i++) await dispatch(nativeModule, helloHost);
});
show("the same Contract method through dispatch", mean(dispatchTotal, calls, "µs"), "µs");
const iterations = 10_000_000;
const nativeLoop = (n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += i;
  return s;
};
nativeLoop(iterations);
show(
  "one loop iteration",
  mean(
    timeMs(() => nativeLoop(iterations)),
    iterations,
    "ns",
  ),
  "ns",
);
