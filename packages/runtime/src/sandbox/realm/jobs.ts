/**
 * The two things the host runs in a realm, each armed by the host and then
 * started by the entry script (`__ccRun()`), so that it runs inside
 * `runInContext`: its promise jobs are run before the evaluation returns
 * (microtaskMode "afterEvaluate") and the wall-clock backstop covers them.
 * `__ccRun` is a global a contract can see, but it does nothing unless the
 * host armed it for this run, and it disarms itself first.
 */
import type { LogLevel, LogSink } from "./console.ts";
import { codeOf, messageOf } from "./errors.ts";
import { createHostProxy, type HostProxy } from "./host-proxy.ts";
import type { Loader } from "./loader.ts";
import type { MeterControl } from "./meter.ts";
import type { ContractApiExports, InvocationInput, RealmCodes, RealmOutcome } from "./types.ts";

interface Settled {
  status: number;
  message: string;
  payload: Uint8Array;
  code: string | undefined;
}

export interface Jobs {
  run(): void;
  armLoad(budget: number, callDepthMax: number): void;
  armInvoke(input: InvocationInput): void;
  collect(): RealmOutcome;
}

export interface JobContext {
  meter: MeterControl;
  setClock(timestampMs: number, seed: readonly [number, number, number, number]): void;
  logSink: LogSink;
  codes: RealmCodes;
  api(): ContractApiExports;
  loader(): Loader;
}

const ZERO_SEED = [0, 0, 0, 0] as const;

function failure(code: string, message: string): Settled {
  return { status: 500, message, payload: new Uint8Array(0), code };
}

function copyBytes(value: unknown): Uint8Array {
  if (!ArrayBuffer.isView(value)) return new Uint8Array(0);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
}

export function createJobs(context: JobContext): Jobs {
  const { meter, codes } = context;
  let armed: (() => void) | undefined;
  let lastKind: "load" | "invoke" | undefined;
  let settled: Settled | undefined;
  let proxy: HostProxy | undefined;
  let exportsOfMain: { ok: true; value: unknown } | { ok: false; code: string; message: string } | undefined;

  const fromError = (e: unknown, fallbackCode: string): Settled => failure(codeOf(e) ?? fallbackCode, messageOf(e));

  function load(): void {
    try {
      exportsOfMain = { ok: true, value: context.loader().requireMain() };
      settled = { status: 200, message: "", payload: new Uint8Array(0), code: undefined };
    } catch (e) {
      settled = fromError(e, codes.loadFailed);
      exportsOfMain = { ok: false, code: settled.code ?? codes.loadFailed, message: settled.message };
    }
  }

  function invoke(input: InvocationInput): void {
    if (exportsOfMain === undefined || !exportsOfMain.ok) {
      const reason = exportsOfMain?.ok === false ? exportsOfMain.message : "it was never loaded";
      settled = failure(codes.loadFailed, `the chaincode's main module failed to load: ${reason}`);
      return;
    }
    proxy = createHostProxy(input.bridge, input.fields, codes);
    const host = proxy.host;
    context.logSink.current = (level: LogLevel, message: string) => host.log(level, message);
    const onResult = (result: unknown): void => {
      try {
        const r = result as { status?: unknown; message?: unknown; payload?: unknown; code?: unknown };
        settled = {
          status: typeof r.status === "number" ? r.status : 500,
          message: typeof r.message === "string" ? r.message : "",
          payload: copyBytes(r.payload),
          code: typeof r.code === "string" ? r.code : undefined,
        };
      } catch (e) {
        settled = fromError(e, codes.contractFailed);
      }
    };
    const onError = (e: unknown): void => {
      settled = fromError(e, codes.contractFailed);
    };
    try {
      Promise.resolve(context.api().dispatch(exportsOfMain.value, host)).then(onResult, onError);
    } catch (e) {
      onError(e);
    }
  }

  return {
    run(): void {
      const job = armed;
      armed = undefined;
      if (job === undefined) throw new TypeError("__ccRun is the sandbox's entry point, not for contracts");
      job();
    },
    armLoad(budget, callDepthMax) {
      armed = () => {
        lastKind = "load";
        settled = undefined;
        meter.begin(budget, callDepthMax);
        context.setClock(0, ZERO_SEED);
        load();
      };
    },
    armInvoke(input) {
      // Read everything from the host's object now: later reads could see it changed.
      const copy: InvocationInput = {
        bridge: input.bridge,
        fields: input.fields,
        budget: input.budget,
        callDepthMax: input.callDepthMax,
        seed: [input.seed[0], input.seed[1], input.seed[2], input.seed[3]],
      };
      armed = () => {
        lastKind = "invoke";
        settled = undefined;
        meter.begin(copy.budget, copy.callDepthMax);
        context.setClock(copy.fields.timestampMs, copy.seed);
        invoke(copy);
      };
    },
    collect(): RealmOutcome {
      const used = meter.end();
      proxy?.close();
      proxy = undefined;
      context.logSink.current = undefined;
      let result: Settled;
      if (used.trippedCode !== undefined) {
        result = failure(used.trippedCode, used.trippedMessage);
        // A module whose initialisation ran out of budget is not loaded, even if its top level returned.
        if (lastKind === "load") exportsOfMain = { ok: false, code: used.trippedCode, message: used.trippedMessage };
      } else if (settled === undefined) {
        result = failure(
          codes.neverSettled,
          "the contract's promise never settled: it awaited something nothing in the transaction resolves (a contract has no timers or I/O)",
        );
      } else {
        result = settled;
      }
      settled = undefined;
      return { ...result, ticksUsed: used.ticksUsed };
    },
  };
}
