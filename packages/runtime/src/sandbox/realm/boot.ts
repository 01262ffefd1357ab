/**
 * Entry of the realm's boot bundle: built with esbuild once per process and
 * evaluated first in every new realm (see `../realm-sources.ts`). It makes
 * the context deterministic (clock, randomness, locales, globals), installs
 * the meter's charges on bulk builtins before any library can capture them,
 * and gives the host a controller for the remaining steps: buffer, contract
 * API, lockdown, chaincode, and the jobs.
 */
import type { PROVIDED_MODULES } from "../provided-modules.ts";
import { installCharges } from "./charges.ts";
import { installClock } from "./clock.ts";
import { createConsole, type LogSink } from "./console.ts";
import { codedError } from "./errors.ts";
import { shapeGlobals } from "./globals.ts";
import { createJobs } from "./jobs.ts";
import { createLoader, type Loader } from "./loader.ts";
import { pinLocales } from "./locale.ts";
import { lockdown } from "./lockdown.ts";
import { createMeter } from "./meter.ts";
import { installStackTraces } from "./stack.ts";
import { createTextCodecs } from "./text-codec.ts";
import type { ContractApiExports, RealmConfig, RealmController, RealmValues } from "./types.ts";
import { createUtilModule } from "./util-module.ts";

function defineGlobal(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}

function createValues(): RealmValues {
  return Object.freeze({
    bytes: (source: Uint8Array) => new Uint8Array(source),
    list: (items: readonly unknown[]) => Array.from(items),
    record: (entries: readonly (readonly [string, unknown])[]) =>
      Object.fromEntries(Array.from(entries, ([key, value]) => [key, value])),
    error: (code: string, message: string) => codedError(code, message),
    isError: (value: unknown) => value instanceof Error,
  });
}

function isApiExports(value: unknown): value is ContractApiExports {
  const api = value as Partial<ContractApiExports> | null;
  return typeof api === "object" && api !== null && typeof api.dispatch === "function";
}

export function bootRealm(config: RealmConfig): RealmController {
  const { codes } = config;
  const meter = createMeter(config);
  const clock = installClock();
  pinLocales();
  shapeGlobals(codes.apiUnavailable);
  installCharges(meter);
  installStackTraces();
  const logSink: LogSink = { current: undefined };
  defineGlobal("console", createConsole(logSink, config.logCharsMax));

  const provided: Partial<Record<(typeof PROVIDED_MODULES)[number], unknown>> = { "reflect-metadata": {} };
  let api: ContractApiExports | undefined;
  let loader: Loader | undefined;

  const jobs = createJobs({
    meter,
    setClock: (timestampMs, seed) => clock.set(timestampMs, seed),
    logSink,
    codes,
    api: () => {
      if (api === undefined) throw new TypeError("the contract API is not installed in this realm");
      return api;
    },
    loader: () => {
      if (loader === undefined) throw new TypeError("no chaincode is defined in this realm");
      return loader;
    },
  });
  Object.defineProperty(globalThis, "__ccRun", { value: () => jobs.run(), writable: false, configurable: false });

  const controller: RealmController = {
    values: createValues(),
    installBuffer(bufferExports: unknown): void {
      const Buffer = (bufferExports as { Buffer: Parameters<typeof createTextCodecs>[0] }).Buffer;
      const codecs = createTextCodecs(Buffer);
      defineGlobal("Buffer", Buffer);
      defineGlobal("TextEncoder", codecs.TextEncoder);
      defineGlobal("TextDecoder", codecs.TextDecoder);
      provided.buffer = bufferExports;
      provided.util = createUtilModule(codecs);
    },
    installApi(apiExports: unknown): void {
      if (!isApiExports(apiExports)) throw new TypeError("the contract API bundle does not export dispatch()");
      api = apiExports;
      provided["fabric-contract-api"] = apiExports.fabricContractApi;
      provided["fabric-shim"] = apiExports.fabricShim;
    },
    lockdown,
    defineChaincode(definition) {
      loader = createLoader(
        {
          main: String(definition.main),
          code: Array.from(definition.code, ([path, factory]) => [String(path), factory] as const),
          json: Array.from(definition.json, ([path, text]) => [String(path), String(text)] as const),
          resolutions: Array.from(definition.resolutions, ([a, b, c]) => [String(a), String(b), String(c)] as const),
        },
        meter.meter,
        (name) => provided[name],
        codes.moduleUnavailable,
      );
    },
    armLoad: (budget: number) => jobs.armLoad(budget, config.callDepthMax),
    armInvoke: jobs.armInvoke,
    collect: jobs.collect,
  };
  return Object.freeze(controller);
}
