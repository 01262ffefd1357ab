import type { ContractHost, HostIdentity, HostInvokeResult, HostKeyValue } from "@citychain/contract-api/host";
import { bytesToHex, CityChainError, ErrorCode } from "@citychain/protocol";
import type { TxContext } from "../contract-context.ts";
import type { Caller } from "../contracts/contract.ts";
import { createPrivateDataHost, type PrivateDataEnv } from "../private/access.ts";
import { checkKeyPolicy } from "./key-policy.ts";
import { checkUserKey, validationSpaceOf } from "./keys.ts";

/** Bounds on what one invocation may ask of the host. */
export const RANGE_RESULTS_MAX = 10_000;
export const HISTORY_RESULTS_MAX = 10_000;
export const LOG_LINE_CHARS_MAX = 4_096;

export interface HostEnv {
  /** The invocation's context, in the contract's own key space. */
  ctx: TxContext;
  chainId: string;
  /** The function name and its parameters. */
  args: readonly string[];
  transient: ReadonlyArray<readonly [string, Uint8Array]>;
  /** Calls another deployed contract in this transaction. */
  invoke(name: string, args: readonly string[]): HostInvokeResult;
  /** Block time of a committed height (for history timestamps). */
  blockTimeMs(height: number): number;
  log(level: "debug" | "info" | "warn" | "error", message: string): void;
  /** The chain's organisations (for implicit policies such as MAJORITY). */
  orgIds: readonly string[];
  /** How this call may touch private data collections. */
  privateData: PrivateDataEnv;
}

/** Who a contract sees as the caller (`ctx.clientIdentity`): the first signer of the transaction. */
export function hostIdentityOf(callers: readonly Caller[]): HostIdentity {
  const first = callers[0];
  if (first?.kind !== "member") {
    return { mspId: "", id: "", certPem: "", attributes: {} };
  }
  const i = first.identity;
  const b64 = Buffer.from(i.certDer).toString("base64");
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{1,64}/g, "$&\n")}-----END CERTIFICATE-----\n`;
  return { mspId: i.orgId, id: i.id, certPem, attributes: { ...i.attributes, role: i.role } };
}

function privateKeyPoliciesUnavailable(): never {
  throw new CityChainError(
    { code: ErrorCode.CONTRACT_PRIVATE_DATA_UNAVAILABLE },
    "key-level endorsement policies on private data are not supported; use the collection's endorsementPolicy",
  );
}

function clampLimit(limit: number, max: number): number {
  return Number.isSafeInteger(limit) && limit > 0 ? Math.min(limit, max) : max;
}

/**
 * The runtime's side of the contract boundary: each call goes to the
 * transaction's context (its overlay over the block's state), so a
 * contract's reads see the writes made before it in the same block and its
 * own writes; all of it is discarded if the invocation fails.
 */
export function createContractHost(env: HostEnv): ContractHost {
  const { ctx } = env;
  const policies = ctx.forContract(validationSpaceOf(ctx.contract));
  // A key with its own endorsement policy may change only in a transaction its signers satisfy.
  const mayWrite = (key: string) => {
    const vp = policies.getState(key);
    if (vp) checkKeyPolicy(vp, key, ctx.callers, env.orgIds);
  };
  return {
    txId: bytesToHex(ctx.txId),
    channelId: env.chainId,
    timestampMs: ctx.timeMs,
    args: env.args,
    transient: env.transient,
    creator: hostIdentityOf(ctx.callers),
    readOnly: ctx.readOnly,
    getState(key) {
      checkUserKey(key);
      return ctx.getState(key);
    },
    putState(key, value) {
      checkUserKey(key);
      mayWrite(key);
      ctx.putState(key, new Uint8Array(value));
    },
    deleteState(key) {
      checkUserKey(key);
      mayWrite(key);
      ctx.deleteState(key);
    },
    getStateRange(startKey, endKey, limit): HostKeyValue[] {
      return ctx.rangeState(startKey, endKey, clampLimit(limit, RANGE_RESULTS_MAX));
    },
    getHistory(key, limit) {
      checkUserKey(key);
      return ctx.history(key, clampLimit(limit, HISTORY_RESULTS_MAX)).map((e) => ({
        txId: bytesToHex(e.txId),
        timestampMs: env.blockTimeMs(e.height),
        isDelete: e.value === null,
        value: e.value ?? new Uint8Array(0),
      }));
    },
    setEvent(name, payload) {
      ctx.emit(name, new Uint8Array(payload));
    },
    invokeChaincode(name, args) {
      return env.invoke(name, [...args]);
    },
    ...createPrivateDataHost(ctx, env.privateData),
    setValidationParameter(collection, key, policy) {
      if (collection !== "") privateKeyPoliciesUnavailable();
      checkUserKey(key);
      // Changing a key's policy is a write to the key: its current policy must allow it.
      mayWrite(key);
      const bytes = new Uint8Array(policy);
      checkKeyPolicy(bytes, key, undefined, env.orgIds);
      if (bytes.length === 0) policies.deleteState(key);
      else policies.putState(key, bytes);
    },
    getValidationParameter(collection, key) {
      if (collection !== "") privateKeyPoliciesUnavailable();
      checkUserKey(key);
      return policies.getState(key);
    },
    log(level, message) {
      env.log(level, message.length > LOG_LINE_CHARS_MAX ? `${message.slice(0, LOG_LINE_CHARS_MAX)}…` : message);
    },
  };
}
