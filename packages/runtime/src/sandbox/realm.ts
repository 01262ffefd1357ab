import { isUint8Array } from "node:util/types";
import type vm from "node:vm";
import type { ContractHost } from "@citychain/contract-api/host";
import { CityChainError, ErrorCode, sha256 } from "@citychain/protocol";
import { createHostBridge, hostFieldsIn } from "./host-bridge.ts";
import { CALL_DEPTH_MAX } from "./limits.ts";
import type { RealmController, RealmOutcome } from "./realm/types.ts";
import { entryScript } from "./realm-sources.ts";

/** Per-invocation inputs that are not part of the host. */
export interface InvokeOptions {
  /** Seeds `Math.random` (hashed; the transaction id is the usual seed). */
  seed: Uint8Array;
  /** Ticks the invocation may use (see `CONTRACT_BUDGET_DEFAULT`). */
  budget: number;
  /**
   * Call depth the invocation may use, at most `CALL_DEPTH_MAX` (the default).
   * A host running a contract from another one (`invokeChaincode`) should pass
   * what the caller has left: each realm counts its own frames only.
   */
  callDepthMax?: number;
}

/**
 * The result of one invocation. It is deterministic: the same bundle, host
 * answers, seed and budget give the same outcome, `ticksUsed` included, on
 * every node.
 */
export interface InvokeOutcome {
  /** 200 on success, 500 on failure (Fabric's convention). */
  status: number;
  message: string;
  payload: Uint8Array;
  /**
   * For failures from the sandbox, the host or the API: the error code
   * (`CONTRACT_BUDGET_EXCEEDED`, `CONTRACT_CALL_DEPTH_EXCEEDED`,
   * `CONTRACT_NEVER_SETTLED`, `CONTRACT_LOAD_FAILED`, a host code...).
   */
  code?: string;
  ticksUsed: number;
}

function seedWords(seed: Uint8Array): [number, number, number, number] {
  const digest = sha256(seed);
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  return [view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)];
}

function unusable(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.SANDBOX_REALM_UNUSABLE }, message);
}

/**
 * One V8 context with the chaincode loaded, made by `ContractSandbox.createRealm`.
 *
 * State kept by the chaincode between invocations (module-level variables,
 * caches) survives in the realm, so a realm must be used the same way on
 * every node for results to agree: for example one fresh realm per block, or
 * per transaction, never one realm that lives as long as the process.
 */
export class ContractRealm {
  private busy = false;
  private brokenBy: string | undefined;
  private loaded: Omit<InvokeOutcome, "payload"> | undefined;

  /** @internal Made by `ContractSandbox.createRealm`. */
  constructor(
    private readonly context: vm.Context,
    private readonly controller: RealmController,
    private readonly timeoutMs: number,
  ) {}

  /** The outcome of loading the chaincode's main module: status 500 and a code if its top level failed. */
  get loadOutcome(): Omit<InvokeOutcome, "payload"> {
    if (this.loaded === undefined) throw unusable("the chaincode was not loaded in this realm");
    return this.loaded;
  }

  /** @internal Runs the chaincode's top level under `budget` ticks. */
  loadChaincode(budget: number): void {
    this.controller.armLoad(budget);
    this.runEntry();
    const { payload: _payload, ...outcome } = outcomeFromRealm(this.controller.collect());
    this.loaded = outcome;
  }

  /** False after a backstop timeout or an internal fault: the realm's state is unknown, make a new one. */
  get usable(): boolean {
    return this.brokenBy === undefined;
  }

  /**
   * Runs one transaction function: the contract API routes `host.args[0]` to
   * the chaincode, its promise jobs run to the end, and the settled result
   * is returned. Budget and depth failures have their own codes whatever the
   * contract caught. Throws (never returns) on the node's own faults:
   * `SANDBOX_TIMEOUT` when the wall-clock backstop fired, which is not a
   * deterministic result, and `SANDBOX_REALM_UNUSABLE`.
   */
  invoke(host: ContractHost, options: InvokeOptions): InvokeOutcome {
    if (this.brokenBy !== undefined) throw unusable(`this realm cannot run contracts any more: ${this.brokenBy}`);
    if (this.busy) {
      throw unusable(
        "this realm is already running an invocation; a nested invocation of the same chaincode needs its own realm",
      );
    }
    const callDepthMax = options.callDepthMax ?? CALL_DEPTH_MAX;
    if (!Number.isSafeInteger(options.budget) || options.budget < 0) {
      throw new RangeError(`budget must be a non-negative integer, got ${options.budget}`);
    }
    if (!Number.isSafeInteger(callDepthMax) || callDepthMax < 1 || callDepthMax > CALL_DEPTH_MAX) {
      throw new RangeError(`callDepthMax must be an integer from 1 to ${CALL_DEPTH_MAX}, got ${callDepthMax}`);
    }
    const { values } = this.controller;
    const { bridge, close } = createHostBridge(host, values);
    this.controller.armInvoke({
      bridge,
      fields: hostFieldsIn(host, values),
      budget: options.budget,
      callDepthMax,
      seed: seedWords(options.seed),
    });
    this.busy = true;
    try {
      this.runEntry();
    } finally {
      this.busy = false;
      close();
    }
    return outcomeFromRealm(this.controller.collect());
  }

  private runEntry(): void {
    try {
      // A watchdog thread per run costs about 80 µs, which is why 0 turns the backstop off.
      const options = this.timeoutMs > 0 ? { timeout: this.timeoutMs } : {};
      entryScript().runInContext(this.context, options);
    } catch (e) {
      const timedOut = (e as { code?: unknown })?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
      this.brokenBy = timedOut
        ? `the ${this.timeoutMs} ms backstop stopped it`
        : `the sandbox's entry failed: ${(e as Error)?.message}`;
      if (timedOut) {
        throw new CityChainError(
          { code: ErrorCode.SANDBOX_TIMEOUT },
          `a contract ran for ${this.timeoutMs} ms without exhausting its budget: the sandbox charges too little for something it did; this is a fault of this node's sandbox, not a result of the transaction`,
        );
      }
      throw unusable(this.brokenBy);
    }
  }
}

/** @internal */
export function outcomeFromRealm(realm: RealmOutcome): InvokeOutcome {
  const payload = isUint8Array(realm.payload) ? new Uint8Array(realm.payload) : new Uint8Array(0);
  const outcome: InvokeOutcome = {
    status: Number(realm.status),
    message: String(realm.message),
    payload,
    ticksUsed: Number(realm.ticksUsed),
  };
  if (typeof realm.code === "string") outcome.code = realm.code;
  return outcome;
}
