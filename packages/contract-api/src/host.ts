/**
 * The boundary between a contract and the chain. The runtime implements
 * `ContractHost` for one contract invocation; the Fabric API in this package
 * (`ChaincodeStub`, `ClientIdentity`, the dispatcher) is built on it alone.
 *
 * Every call is synchronous and deterministic: it answers from the state the
 * block is executed over, so every validator sees the same values in the same
 * order. Values cross the boundary as `Uint8Array`; the API copies them into
 * `Buffer`s of the contract's own realm (the sandbox has its own intrinsics).
 * Host methods throw a plain `Error` whose `code` property is one of the
 * runtime's error codes (for example `CONTRACT_WRITE_LIMIT`) when a limit or
 * a rule is broken; the API lets such errors propagate.
 */

/** One key and its value, as range and rich queries return them. */
export interface HostKeyValue {
  key: string;
  value: Uint8Array;
}

/** One past value of a key, newest first, as `getHistoryForKey` returns them. */
export interface HostHistoryEntry {
  txId: string;
  /** Block time of the transaction that wrote it, in milliseconds since the epoch. */
  timestampMs: number;
  isDelete: boolean;
  value: Uint8Array;
}

/** The identity that signed the transaction (the first signer when there are several). */
export interface HostIdentity {
  /** Organisation id (Fabric's MSP id). */
  mspId: string;
  /** Fabric's `x509::<subject DN>::<issuer DN>` form. */
  id: string;
  /** The signer's certificate in PEM. */
  certPem: string;
  /** Role and attributes from the certificate (Fabric CA's attribute extension), `role` included. */
  attributes: Record<string, string>;
}

/** The answer of a contract invoked from another contract (`invokeChaincode`). */
export interface HostInvokeResult {
  /** 200 on success, 500 on failure, as Fabric's `ChaincodeResponse`. */
  status: number;
  message: string;
  payload: Uint8Array;
}

/** What one invocation of a contract can see of, and do to, the chain. */
export interface ContractHost {
  /** Transaction id, lower-case hex. */
  readonly txId: string;
  /** The chain id (Fabric's channel id). */
  readonly channelId: string;
  /** Block time in milliseconds since the epoch: the only clock a contract has. */
  readonly timestampMs: number;
  /** The function name followed by its parameters, as Fabric's `getStringArgs`. */
  readonly args: readonly string[];
  /** Transient data of the transaction (never stored in the block). */
  readonly transient: ReadonlyArray<readonly [string, Uint8Array]>;
  readonly creator: HostIdentity;
  /** True for evaluations (queries): writes and events throw. */
  readonly readOnly: boolean;

  getState(key: string): Uint8Array | undefined;
  putState(key: string, value: Uint8Array): void;
  deleteState(key: string): void;
  /**
   * Keys `k` with `startKey <= k < endKey` of this contract, in key order,
   * merged with the transaction's own writes; `endKey === ""` means no upper
   * bound. At most `limit` entries.
   */
  getStateRange(startKey: string, endKey: string, limit: number): HostKeyValue[];
  /** Values the key had, newest first, at most `limit`. */
  getHistory(key: string, limit: number): HostHistoryEntry[];
  setEvent(name: string, payload: Uint8Array): void;
  /** Calls another deployed contract inside the same transaction (same state view, same write set). */
  invokeChaincode(name: string, args: readonly string[], channel: string): HostInvokeResult;

  getPrivateData(collection: string, key: string): Uint8Array | undefined;
  /** SHA-256 of the private value, readable by non-members too. */
  getPrivateDataHash(collection: string, key: string): Uint8Array | undefined;
  putPrivateData(collection: string, key: string, value: Uint8Array): void;
  deletePrivateData(collection: string, key: string): void;
  /** Removes the value and its history from the private store; the on-chain hash stays. */
  purgePrivateData(collection: string, key: string): void;
  getPrivateDataRange(collection: string, startKey: string, endKey: string, limit: number): HostKeyValue[];

  /** Key-level endorsement policy (Fabric's state-based endorsement); `collection` "" for public state. */
  setValidationParameter(collection: string, key: string, policy: Uint8Array): void;
  getValidationParameter(collection: string, key: string): Uint8Array | undefined;

  /** A log line from the contract (console.log and the API's logger). */
  log(level: "debug" | "info" | "warn" | "error", message: string): void;
}

/** What the dispatcher answers for one invocation. */
export interface DispatchResult {
  /** 200 on success, 500 on failure (Fabric's convention). */
  status: number;
  message: string;
  payload: Uint8Array;
  /** When the failure came from the host or the API: its error code (for example `CONTRACT_FUNCTION_UNKNOWN`). */
  code?: string;
}
