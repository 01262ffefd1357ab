/**
 * What the host and the realm hand each other. Everything here crosses the
 * boundary between Node's context and the contract's: the host passes only
 * primitives, its own functions (kept in closures of the realm code, never
 * reachable by the contract) and values it built with `RealmValues`; the
 * realm passes back only primitives and its own objects.
 */

/** Error codes the realm raises, passed in so the realm bundle needs no protocol import. */
export interface RealmCodes {
  budget: string;
  depth: string;
  moduleUnavailable: string;
  apiUnavailable: string;
  neverSettled: string;
  loadFailed: string;
  hostClosed: string;
  hostArgsInvalid: string;
  contractFailed: string;
}

/** Bounds and names the realm is created with (see `../limits.ts`). */
export interface RealmConfig {
  callDepthMax: number;
  spreadArgsPerDepthUnit: number;
  bulkElementsPerTick: number;
  logCharsMax: number;
  codes: RealmCodes;
}

/** Builds values inside the realm for the host, so no host object reaches contract code. */
export interface RealmValues {
  /** A realm `Uint8Array` holding a copy of `source`. */
  bytes(source: Uint8Array): Uint8Array;
  /** A realm array of the given primitives or realm values. */
  list(items: readonly unknown[]): unknown[];
  /** A realm plain object with the given own data properties. */
  record(entries: readonly (readonly [string, unknown])[]): Record<string, unknown>;
  /** A realm `Error` with a `code`. */
  error(code: string, message: string): Error;
  /** True for errors built by this realm (`error`, or thrown by its code). */
  isError(value: unknown): boolean;
}

/**
 * The single host function a realm may call during an invocation: it runs
 * `method` of the invocation's `ContractHost` with already checked arguments,
 * and either returns a primitive or realm value, or throws a realm error.
 */
export type HostBridge = (method: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown) => unknown;

/** The fixed fields of `ContractHost`, already built as realm values. */
export interface HostFields {
  txId: string;
  channelId: string;
  timestampMs: number;
  readOnly: boolean;
  args: unknown[];
  transient: unknown[];
  creator: Record<string, unknown>;
}

/** One invocation, as the host arms it before running the entry script. */
export interface InvocationInput {
  bridge: HostBridge;
  fields: HostFields;
  budget: number;
  callDepthMax: number;
  /** 128 bits of seed for `Math.random`, as four unsigned 32-bit words. */
  seed: readonly [number, number, number, number];
}

/** The settled result of a job, in primitives and realm bytes. */
export interface RealmOutcome {
  status: number;
  message: string;
  payload: Uint8Array;
  code: string | undefined;
  ticksUsed: number;
}

/** One compiled chaincode file: `(__cc) => (exports, require, module, __filename, __dirname) => void`. */
export type ChaincodeFactory = (meter: unknown) => (...args: unknown[]) => unknown;

/** The chaincode as the realm loads it. */
export interface ChaincodeDefinition {
  main: string;
  /** Code files by bundle path. */
  code: readonly (readonly [string, ChaincodeFactory])[];
  /** JSON files by bundle path, as text. */
  json: readonly (readonly [string, string])[];
  /** `[fromFile, request, resolvedFile]` triples of the bundle's resolution map. */
  resolutions: readonly (readonly [string, string, string])[];
}

/** The contract API's exports, as its bundle provides them. */
export interface ContractApiExports {
  dispatch: (chaincode: unknown, host: unknown) => unknown;
  fabricContractApi: unknown;
  fabricShim: unknown;
}

/** What the realm's boot code gives the host. */
export interface RealmController {
  readonly values: RealmValues;
  /** Installs the `buffer` package's exports as the realm's `Buffer`, `TextEncoder`, `TextDecoder` and `util`. */
  installBuffer(bufferExports: unknown): void;
  /** Installs the contract API (after `reflect-metadata` has patched `Reflect`). */
  installApi(apiExports: unknown): void;
  /** Freezes the intrinsics; after this no realm code can change a builtin. */
  lockdown(): void;
  defineChaincode(definition: ChaincodeDefinition): void;
  /** Arms the next run of the entry script to load the chaincode's main module. */
  armLoad(budget: number): void;
  /** Arms the next run of the entry script to dispatch one invocation. */
  armInvoke(input: InvocationInput): void;
  /** The outcome of the last run, once the entry script has returned (and its microtasks have run). */
  collect(): RealmOutcome;
}
