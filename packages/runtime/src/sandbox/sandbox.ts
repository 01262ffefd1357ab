/**
 * The deterministic contract sandbox.
 *
 * What it is for: running governance-approved chaincode so that every
 * validator computes the same result, and so that the chaincode cannot reach
 * the node. Each realm is a V8 context of its own (`vm.createContext`) with
 * no code generation from strings (`eval`, `new Function`) and no
 * WebAssembly; its clock is the block time, its randomness a PRNG seeded per
 * transaction, its locale and time zone fixed; its intrinsics are frozen;
 * its only way out is the host proxy, which copies every value across the
 * boundary (see `realm/host-proxy.ts`, `host-bridge.ts`). Instrumented code
 * (`instrument.ts`) ticks a deterministic budget in every loop and function
 * and keeps its own call depth far below V8's stack limit, and bulk builtins
 * are charged before they run (`realm/charges.ts`), so runaway code stops at
 * the same tick on every node.
 *
 * What it is not: a defence against hostile code in the strong sense. Node's
 * `vm` shares the process, heap and event loop with the node; V8 bugs,
 * memory exhaustion (only bulk allocations are charged, there is no heap
 * quota), and CPU spent inside builtins the meter does not charge (regular
 * expressions, string concatenation, BigInt arithmetic; see
 * `realm/charges.ts`) are not contained. A `vm` timeout on every run is the
 * last resort against the latter: it is wall-clock, hence not deterministic,
 * so it is reported as a fault of the node (`SANDBOX_TIMEOUT`), never as a
 * transaction result. Validators must run the same Node.js release: V8's
 * error messages and ICU's data are part of what a contract can observe.
 */
import vm from "node:vm";
import { CityChainError, ErrorCode } from "@citychain/protocol";
import { bundleHashHex, type ChaincodeBundle, decodeBundle } from "./bundle.ts";
import { isCodePath } from "./bundle-path.ts";
import { instrumentSource } from "./instrument.ts";
import {
  BULK_ELEMENTS_PER_TICK,
  CALL_DEPTH_MAX,
  CHAINCODE_LOAD_BUDGET,
  CONTRACT_LOG_CHARS_MAX,
  SANDBOX_TIMEOUT_MS,
  SPREAD_ARGS_PER_DEPTH_UNIT,
} from "./limits.ts";
import { CHAINCODE_FILE_PREFIX } from "./realm/stack.ts";
import type { ChaincodeFactory, RealmConfig, RealmController } from "./realm/types.ts";
import { ContractRealm } from "./realm.ts";
import { bootScript, bufferScript, contractApiScript } from "./realm-sources.ts";
import { ignoreRealmRejections } from "./rejections.ts";
import { pinProcessTimeZoneToUtc } from "./timezone.ts";

export interface SandboxOptions {
  /**
   * CommonJS source of the contract API to install instead of
   * `@citychain/contract-api` (it must export `dispatch`,
   * `fabricContractApi` and `fabricShim`). For tests.
   */
  apiSource?: string;
  /**
   * The wall-clock backstop of each run (default `SANDBOX_TIMEOUT_MS`); 0
   * turns it off, for a caller that runs its own watchdog (it costs a
   * thread start per run, about 80 µs).
   */
  timeoutMs?: number;
}

const REALM_CONFIG: RealmConfig = {
  callDepthMax: CALL_DEPTH_MAX,
  spreadArgsPerDepthUnit: SPREAD_ARGS_PER_DEPTH_UNIT,
  bulkElementsPerTick: BULK_ELEMENTS_PER_TICK,
  logCharsMax: CONTRACT_LOG_CHARS_MAX,
  codes: {
    budget: ErrorCode.CONTRACT_BUDGET_EXCEEDED,
    depth: ErrorCode.CONTRACT_CALL_DEPTH_EXCEEDED,
    moduleUnavailable: ErrorCode.CONTRACT_MODULE_UNAVAILABLE,
    apiUnavailable: ErrorCode.CONTRACT_API_UNAVAILABLE,
    neverSettled: ErrorCode.CONTRACT_NEVER_SETTLED,
    loadFailed: ErrorCode.CONTRACT_LOAD_FAILED,
    hostClosed: ErrorCode.CONTRACT_HOST_CLOSED,
    hostArgsInvalid: ErrorCode.CONTRACT_HOST_ARGS_INVALID,
    contractFailed: ErrorCode.CONTRACT_FAILED,
  },
};

function compile(bundle: ChaincodeBundle, path: string): vm.Script {
  const source = instrumentSource(bundle.files[path], path);
  // The wrapper sits on the first line, so line numbers stay the file's own.
  const wrapped = `(function (__cc) { return function (exports, require, module, __filename, __dirname) {${source}\n}; })`;
  try {
    return new vm.Script(wrapped, { filename: `${CHAINCODE_FILE_PREFIX}${bundle.name}@${bundle.version}/${path}` });
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.CHAINCODE_SYNTAX_INVALID },
      `${path} does not compile after instrumentation: ${(e as Error).message}`,
    );
  }
}

/** A decoded, instrumented and compiled chaincode, from which realms are made. */
export class ContractSandbox {
  private constructor(
    readonly bundle: ChaincodeBundle,
    /** SHA-256 of the bundle bytes, hex. */
    readonly hashHex: string,
    private readonly code: ReadonlyMap<string, vm.Script>,
    private readonly options: SandboxOptions,
  ) {}

  /**
   * Decodes and checks the bundle, instruments every code file and compiles
   * it once (the compiled scripts serve every realm). Throws the bundle's
   * coded errors, and `CHAINCODE_SOURCE_FORBIDDEN` or
   * `CHAINCODE_SYNTAX_INVALID` for a file the sandbox will not run.
   */
  static load(bundleBytes: Uint8Array, options: SandboxOptions = {}): ContractSandbox {
    pinProcessTimeZoneToUtc();
    ignoreRealmRejections();
    const bundle = decodeBundle(bundleBytes);
    const code = new Map<string, vm.Script>();
    for (const path of Object.keys(bundle.files).sort()) {
      if (isCodePath(path)) code.set(path, compile(bundle, path));
    }
    return new ContractSandbox(bundle, bundleHashHex(bundleBytes), code, options);
  }

  /**
   * A fresh realm with the chaincode's main module loaded (its top level run
   * under `CHAINCODE_LOAD_BUDGET`; a failure is kept in `loadOutcome` and
   * every invocation then fails with `CONTRACT_LOAD_FAILED`).
   */
  createRealm(): ContractRealm {
    // An ordinary global (no contextify interceptors): each global lookup of
    // contract code is a plain property load instead of a call into the host.
    const context = vm.createContext(vm.constants.DONT_CONTEXTIFY, {
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: "afterEvaluate",
    });
    const { bootRealm } = bootScript().runInContext(context) as {
      bootRealm: (config: RealmConfig) => RealmController;
    };
    const controller = bootRealm(REALM_CONFIG);
    controller.installBuffer(bufferScript().runInContext(context));
    controller.installApi(contractApiScript(this.options.apiSource).runInContext(context));
    controller.lockdown();
    const factories: [string, ChaincodeFactory][] = [];
    for (const [path, script] of this.code) factories.push([path, script.runInContext(context) as ChaincodeFactory]);
    const resolutions: [string, string, string][] = [];
    for (const [from, inner] of Object.entries(this.bundle.resolutions)) {
      for (const [request, target] of Object.entries(inner)) resolutions.push([from, request, target]);
    }
    controller.defineChaincode({
      main: this.bundle.main,
      code: factories,
      json: Object.entries(this.bundle.files).filter(([path]) => !isCodePath(path)),
      resolutions,
    });
    const realm = new ContractRealm(context, controller, this.options.timeoutMs ?? SANDBOX_TIMEOUT_MS);
    realm.loadChaincode(CHAINCODE_LOAD_BUDGET);
    return realm;
  }
}
