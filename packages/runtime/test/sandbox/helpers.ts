/** Shared pieces of the sandbox tests: bundles from inline sources, a stand-in API, an in-memory host. */
import type { ContractHost, HostIdentity } from "@citychain/contract-api/host";
import ts from "typescript";
import { CHAINCODE_BUNDLE_FORMAT, encodeBundle } from "../../src/sandbox/bundle.ts";
import type { InvokeOutcome } from "../../src/sandbox/realm.ts";
import { ContractSandbox } from "../../src/sandbox/sandbox.ts";

/**
 * A minimal stand-in for `@citychain/contract-api`: `dispatch` calls the
 * export named by `args[0]` with the host and the remaining arguments, and
 * answers its result as UTF-8 text (JSON for non-strings). It lets the
 * sandbox be tested without the real API's own behaviour.
 */
export const STAND_IN_API = `
exports.dispatch = async function dispatch(chaincode, host) {
  const fn = chaincode[host.args[0]];
  if (typeof fn !== "function") {
    return { status: 500, message: "no function " + host.args[0], payload: new Uint8Array(0), code: "CONTRACT_FUNCTION_UNKNOWN" };
  }
  try {
    const result = await fn(host, ...host.args.slice(1));
    const text = typeof result === "string" ? result : JSON.stringify(result);
    return { status: 200, message: "", payload: Buffer.from(text === undefined ? "" : text) };
  } catch (e) {
    const code = e !== null && typeof e === "object" && typeof e.code === "string" ? e.code : undefined;
    return { status: 500, message: String(e && e.message), payload: new Uint8Array(0), code };
  }
};
exports.fabricContractApi = { standIn: "fabric-contract-api" };
exports.fabricShim = { standIn: "fabric-shim" };
`;

/** Canonical bundle bytes of inline files. */
export function bundleBytes(
  files: Record<string, string>,
  main = "index.js",
  resolutions: Record<string, Record<string, string>> = {},
): Uint8Array {
  return encodeBundle({ format: CHAINCODE_BUNDLE_FORMAT, name: "test-cc", version: "1.0.0", main, files, resolutions })
    .bytes;
}

/** A sandbox over one `index.js`, with the stand-in API. */
export function standInSandbox(source: string, files: Record<string, string> = {}): ContractSandbox {
  return ContractSandbox.load(bundleBytes({ "index.js": source, ...files }), { apiSource: STAND_IN_API });
}

export const CREATOR: HostIdentity = {
  mspId: "Org1MSP",
  id: "x509::/CN=user1::/CN=ca.org1",
  certPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  attributes: { role: "client" },
};

export interface TestHost extends ContractHost {
  state: Map<string, Uint8Array>;
  logs: string[];
  events: string[];
}

/** An in-memory host for one invocation. */
export function testHost(args: string[], overrides: Partial<ContractHost> = {}): TestHost {
  const state = new Map<string, Uint8Array>();
  const logs: string[] = [];
  const events: string[] = [];
  const host: TestHost = {
    txId: "ab".repeat(32),
    channelId: "citychain-test",
    timestampMs: 1_700_000_000_123,
    args,
    transient: [["secret", new Uint8Array([1, 2, 3])]],
    creator: CREATOR,
    readOnly: false,
    state,
    logs,
    events,
    getState: (key) => state.get(key),
    putState: (key, value) => {
      state.set(key, new Uint8Array(value));
    },
    deleteState: (key) => {
      state.delete(key);
    },
    getStateRange: (startKey, endKey, limit) =>
      [...state.keys()]
        .sort()
        .filter((k) => k >= startKey && (endKey === "" || k < endKey))
        .slice(0, limit)
        .map((key) => ({ key, value: state.get(key) as Uint8Array })),
    getHistory: () => [],
    setEvent: (name) => {
      events.push(name);
    },
    invokeChaincode: () => ({ status: 200, message: "", payload: new Uint8Array(0) }),
    getPrivateData: () => undefined,
    getPrivateDataHash: () => undefined,
    putPrivateData: () => {},
    deletePrivateData: () => {},
    purgePrivateData: () => {},
    getPrivateDataRange: () => [],
    setValidationParameter: () => {},
    getValidationParameter: () => undefined,
    log: (level, message) => {
      logs.push(`${level}: ${message}`);
    },
    ...overrides,
  };
  return host;
}

export const SEED = new Uint8Array([7, 7, 7]);

/** Invokes `fn(...args)` once in a fresh realm of `sandbox`. */
export function invokeOnce(sandbox: ContractSandbox, args: string[], budget = 200_000): InvokeOutcome {
  return sandbox.createRealm().invoke(testHost(args), { seed: SEED, budget });
}

export function text(outcome: InvokeOutcome): string {
  return Buffer.from(outcome.payload).toString("utf8");
}

/** Compiles TypeScript as a Fabric developer's build would (CommonJS, decorators with metadata). */
export function compileTypeScript(source: string, target = ts.ScriptTarget.ES2020): string {
  return ts.transpileModule(source, {
    compilerOptions: {
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      module: ts.ModuleKind.CommonJS,
      target,
      strict: true,
    },
  }).outputText;
}
