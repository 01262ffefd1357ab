import { dispatch } from "@citychain/contract-api";
import type { ContractHost, HostInvokeResult } from "@citychain/contract-api/host";
import type { Ledger } from "@citychain/ledger";
import { bytesToUtf8, CityChainError, ErrorCode, hexToBytes, type Tx } from "@citychain/protocol";
import { BoundedMap } from "../bounded-set.ts";
import type { TxContext } from "../contract-context.ts";
import { readBundle } from "../contracts/governance/bundles.ts";
import { type ContractDefinition, readDefinition } from "../contracts/governance/kinds.ts";
import { ORGS_KEY } from "../contracts/governance/orgs.ts";
import { GOVERNANCE_CONTRACT } from "../contracts/governance/proposals.ts";
import type { PrivateDataEnv, PrivateWrite } from "../private/access.ts";
import type { CollectionConfig } from "../private/collections.ts";
import type { PrivateStore } from "../private/store.ts";
import { CONTRACT_BUDGET_DEFAULT } from "../sandbox/limits.ts";
import { createContractHost, hostIdentityOf } from "./host.ts";

/**
 * Contract-to-contract calls (invokeChaincode) nest at most this deep, and a
 * called contract gets NESTED_JS_DEPTH_MAX levels of JavaScript calls: the
 * realms share one machine stack, so the totals must stay far below V8's own
 * (non-deterministic) stack limit.
 */
export const CONTRACT_CALL_DEPTH_MAX = 4;
export const NESTED_JS_DEPTH_MAX = 128;

/**
 * Codes that mean this node could not run the contract (the wall-clock
 * backstop fired, a realm broke), never a result of the contract: the block's
 * execution is abandoned instead of recording them, so nodes cannot disagree.
 */
const NODE_FAULT_CODES: ReadonlySet<string> = new Set([
  ErrorCode.SANDBOX_TIMEOUT,
  ErrorCode.SANDBOX_REALM_UNUSABLE,
  ErrorCode.SANDBOX_BUILD_FAILED,
]);

/** A fault of this node while running a contract; execution of the block stops (see NODE_FAULT_CODES). */
export class SandboxFault extends CityChainError {
  /** The transaction that was running, set by the executing block. */
  tx?: Tx;
}
/** Deterministic execution budget of one transaction, in instrumentation ticks (loop iterations, calls, bulk work). */
export const CONTRACT_TX_BUDGET_TICKS = CONTRACT_BUDGET_DEFAULT;
/** Block times remembered for history answers. */
export const BLOCK_TIMES_CACHED_MAX = 10_000;
/** Compiled bundles kept in memory. */
export const SANDBOX_CACHE_MAX = 32;

/** What the runtime needs of a sandboxed contract (implemented by `sandbox/`). */
export interface SandboxedContract {
  createRealm(): ContractRealm;
}

export interface ContractRealm {
  invoke(
    host: ContractHost,
    opts: { seed: Uint8Array; budget: number; callDepthMax?: number },
  ): { status: number; message: string; payload: Uint8Array; code?: string; ticksUsed?: number };
}

/**
 * One block's (or one query's, or one endorsement's) realms: a fresh realm
 * per contract per execution, shared by its transactions in order; and how
 * its calls may touch private data (see PrivateDataEnv).
 */
export class ExecutionScope {
  readonly realms = new Map<string, ContractRealm>();
  /** Bundles on the current call stack: a realm runs one invocation at a time. */
  readonly active = new Set<string>();
  /** Private writes of a simulation, for the member nodes. */
  readonly privateWrites = new Map<string, PrivateWrite>();

  constructor(
    readonly privateMode: PrivateDataEnv["mode"] = "ordered",
    readonly node: { orgId: string; store: PrivateStore } | undefined = undefined,
    readonly transient: ReadonlyArray<readonly [string, Uint8Array]> = [],
  ) {}
}

export interface DeployedContractsOptions {
  load(bundle: Uint8Array): SandboxedContract;
  chainId: string;
  orgIds: readonly string[];
  ledger: Ledger;
  log?(contract: string, level: "debug" | "info" | "warn" | "error", message: string): void;
}

/**
 * A contract written against the contract API and compiled into the node
 * (the smart-city applications): it runs through the same dispatcher and
 * host as deployed chaincode, in the node's own realm, without the sandbox's
 * budget — it is the node's code, deterministic by construction.
 */
export interface NativeChaincode {
  name: string;
  chaincode: Parameters<typeof dispatch>[0];
  /** Its private data collections, given the organisations in force (they may change). */
  collections?: (orgIds: readonly string[]) => CollectionConfig[];
}

/** What private data handling needs of a contract, deployed or native. */
export type PrivateDataContract = Pick<ContractDefinition, "name" | "collections" | "endorsementPolicy">;

/**
 * Runs contracts deployed through governance: finds the definition live at
 * the block's height (in state, so every node agrees), loads its bundle into
 * the sandbox (compiled once per bundle hash), and invokes it in the
 * execution's realm with a host over the transaction's context.
 */
export class DeployedContracts {
  private readonly sandboxes = new BoundedMap<SandboxedContract>(SANDBOX_CACHE_MAX);
  private readonly blockTimes = new BoundedMap<number>(BLOCK_TIMES_CACHED_MAX);

  constructor(private readonly o: DeployedContractsOptions) {}

  /** The organisations in force in this context's state (governance may have changed the genesis list). */
  orgIdsAt(ctx: TxContext): readonly string[] {
    const v = ctx.forContract(GOVERNANCE_CONTRACT).getState(ORGS_KEY);
    return v ? (JSON.parse(bytesToUtf8(v)) as { id: string }[]).map((o) => o.id) : this.o.orgIds;
  }

  /** The definition of `name` live at the context's height, if any. */
  definition(ctx: TxContext, name: string): ContractDefinition | undefined {
    const def = readDefinition(ctx.forContract(GOVERNANCE_CONTRACT), name);
    return def && def.activeFrom <= ctx.height ? def : undefined;
  }

  /**
   * Runs `fn(args)` of the deployed contract the context belongs to. Returns
   * the payload; throws a CityChainError with the contract's code when the
   * invocation fails (the caller discards the transaction's writes).
   */
  run(
    scope: ExecutionScope,
    ctx: TxContext,
    def: ContractDefinition,
    fn: string,
    args: readonly string[],
    depth = 0,
  ): Uint8Array {
    const realm = this.realmOf(scope, ctx, def);
    const host = this.hostFor(scope, ctx, def.name, fn, args, depth, () => def.collections ?? []);
    let out: ReturnType<ContractRealm["invoke"]>;
    scope.active.add(def.hash);
    try {
      out = realm.invoke(host, {
        seed: hexToBytes(host.txId),
        budget: CONTRACT_TX_BUDGET_TICKS,
        ...(depth > 0 ? { callDepthMax: NESTED_JS_DEPTH_MAX } : {}),
      });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code && NODE_FAULT_CODES.has(code)) throw new SandboxFault({ code }, (e as Error).message);
      throw e;
    } finally {
      scope.active.delete(def.hash);
    }
    if (out.code && NODE_FAULT_CODES.has(out.code)) throw new SandboxFault({ code: out.code }, out.message);
    return payloadOf(out, def.name);
  }

  /** Runs a native chaincode's function; as `run`, throws the coded failure. */
  async runNative(
    scope: ExecutionScope,
    ctx: TxContext,
    native: NativeChaincode,
    fn: string,
    args: readonly string[],
  ): Promise<Uint8Array> {
    const host = this.hostFor(scope, ctx, native.name, fn, args, 0, (orgIds) => native.collections?.(orgIds) ?? []);
    return payloadOf(await dispatch(native.chaincode, host), native.name);
  }

  /** A native contract as private data handling sees it: its collections for the organisations in force. */
  nativeDefinition(ctx: TxContext, native: NativeChaincode): PrivateDataContract {
    return { name: native.name, collections: native.collections?.(this.orgIdsAt(ctx)) ?? [] };
  }

  private hostFor(
    scope: ExecutionScope,
    ctx: TxContext,
    name: string,
    fn: string,
    args: readonly string[],
    depth: number,
    /** The contract's collections, given the organisations in force (read once per call). */
    collectionsOf: (orgIds: readonly string[]) => readonly CollectionConfig[] = () => [],
  ): ContractHost {
    const orgIds = this.orgIdsAt(ctx);
    return createContractHost({
      ctx,
      chainId: this.o.chainId,
      args: [fn, ...args],
      transient: scope.transient,
      orgIds,
      privateData: {
        mode: scope.privateMode,
        collections: collectionsOf(orgIds),
        ...(scope.node ? { nodeOrgId: scope.node.orgId, store: scope.node.store } : {}),
        callerOrgId: hostIdentityOf(ctx.callers).mspId,
        writes: scope.privateWrites,
      },
      invoke: (callee, callArgs) => this.invokeNested(scope, ctx, callee, callArgs, depth + 1),
      blockTimeMs: (height) => this.blockTimeMs(height),
      log: (level, message) => this.o.log?.(name, level, message),
    });
  }

  /** Block time of a committed height (history timestamps), cached: reading it decodes the whole block. */
  private blockTimeMs(height: number): number {
    const key = String(height);
    let t = this.blockTimes.get(key);
    if (t === undefined) {
      t = this.o.ledger.getBlock(height)?.header.timeMs ?? 0;
      this.blockTimes.set(key, t);
    }
    return t;
  }

  private invokeNested(
    scope: ExecutionScope,
    ctx: TxContext,
    name: string,
    args: readonly string[],
    depth: number,
  ): HostInvokeResult {
    const fail = (code: string, message: string): HostInvokeResult => ({
      status: 500,
      message: `${code}: ${message}`,
      payload: new Uint8Array(0),
    });
    if (depth > CONTRACT_CALL_DEPTH_MAX) {
      return fail(
        ErrorCode.CONTRACT_CALL_DEPTH_EXCEEDED,
        `contract calls nest at most ${CONTRACT_CALL_DEPTH_MAX} deep`,
      );
    }
    const callee = ctx.nested(name);
    const def = this.definition(callee.ctx, name);
    if (!def) return fail(ErrorCode.CONTRACT_NOT_FOUND, `no contract named '${name}' is deployed`);
    if (scope.active.has(def.hash)) {
      return fail(
        ErrorCode.CONTRACT_REENTRANT,
        `contract '${name}' is already running in this transaction; a contract cannot call itself`,
      );
    }
    const [fn = "", ...rest] = args;
    try {
      const payload = this.run(scope, callee.ctx, def, fn, rest, depth);
      callee.merge();
      return { status: 200, message: "", payload };
    } catch (e) {
      if (e instanceof SandboxFault) throw e;
      const code = (e as { code?: string }).code ?? ErrorCode.CONTRACT_FAILED;
      return fail(code, (e as Error).message);
    }
  }

  private realmOf(scope: ExecutionScope, ctx: TxContext, def: ContractDefinition): ContractRealm {
    let realm = scope.realms.get(def.hash);
    if (realm) return realm;
    let sandbox = this.sandboxes.get(def.hash);
    if (!sandbox) {
      const bytes = readBundle(ctx.forContract(GOVERNANCE_CONTRACT), def.hash);
      if (!bytes) {
        throw new CityChainError(
          { code: ErrorCode.INTERNAL },
          `bundle ${def.hash} of contract '${def.name}' is missing from state`,
        );
      }
      sandbox = this.o.load(bytes);
      this.sandboxes.set(def.hash, sandbox);
    }
    realm = sandbox.createRealm();
    scope.realms.set(def.hash, realm);
    return realm;
  }
}

/** A dispatch answer as the runtime records it: the payload, or the coded failure. */
function payloadOf(
  out: { status: number; message: string; payload: Uint8Array; code?: string },
  name: string,
): Uint8Array {
  if (out.status < 200 || out.status >= 400) {
    throw new CityChainError(
      { code: out.code ?? ErrorCode.CONTRACT_FAILED },
      out.message || `contract '${name}' failed`,
    );
  }
  return new Uint8Array(out.payload);
}
