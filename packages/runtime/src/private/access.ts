import type { ContractHost } from "@citychain/contract-api/host";
import { CityChainError, ErrorCode, sha256 } from "@citychain/protocol";
import type { TxContext } from "../contract-context.ts";
import { checkUserKey } from "../deployed/keys.ts";
import { type CollectionConfig, collectionOf } from "./collections.ts";
import { keyHashHex, privateHashSpaceOf } from "./keys.ts";
import { PRIVATE_VALUE_BYTES_MAX, type PrivateStore } from "./store.ts";

/** One private write of a simulated transaction: what the endorser sends to member nodes. */
export interface PrivateWrite {
  contract: string;
  collection: string;
  key: string;
  /** null: deleted or purged. */
  value: Uint8Array | null;
}

/**
 * How a contract call may touch private data:
 * - `ordered`: executing a block. Every node runs it, members or not, so
 *   only hashes are available; reading or writing values needs an endorsed
 *   transaction.
 * - `simulate`: a member node endorsing a transaction: values are read from
 *   its store, writes are collected for the member nodes and their hashes
 *   written to the public hash space.
 * - `query`: an evaluation on one node: values are read from its store.
 */
export interface PrivateDataEnv {
  mode: "ordered" | "simulate" | "query";
  collections: readonly CollectionConfig[];
  /** The organisation of the node running the call (simulate and query). */
  nodeOrgId?: string;
  store?: PrivateStore;
  /** Organisation of the transaction's first signer ("" for none). */
  callerOrgId: string;
  /** Filled in simulate mode, in call order; a later write to a key replaces the earlier. */
  writes: Map<string, PrivateWrite>;
}

type PrivateHostMethods = Pick<
  ContractHost,
  | "getPrivateData"
  | "getPrivateDataHash"
  | "putPrivateData"
  | "deletePrivateData"
  | "purgePrivateData"
  | "getPrivateDataRange"
>;

function fail(code: string, message: string): never {
  throw new CityChainError({ code }, message);
}

/** The private-data half of a contract host over a call's context (in the contract's key space). */
export function createPrivateDataHost(ctx: TxContext, env: PrivateDataEnv): PrivateHostMethods {
  const contract = ctx.contract;
  const hashes = (collection: string) => ctx.forContract(privateHashSpaceOf(contract, collection));
  const needsEndorsement = (what: string): never =>
    fail(
      ErrorCode.PRIVATE_DATA_NEEDS_ENDORSEMENT,
      `${what} needs the values of a private collection, which only member nodes hold; submit the transaction through a member node's endorsement (SDK submitPrivate, or citychain tx submit --endorse)`,
    );
  const readable = (collection: string): CollectionConfig => {
    const c = collectionOf(env.collections, contract, collection);
    if (env.mode === "ordered") needsEndorsement(`reading collection '${collection}'`);
    if (env.nodeOrgId === undefined || !env.store || !c.memberOrgs.includes(env.nodeOrgId)) {
      fail(
        ErrorCode.PRIVATE_DATA_NOT_MEMBER,
        `this node's organisation (${env.nodeOrgId ?? "none"}) is not a member of collection '${collection}' and holds none of its values; send the request to a node of ${c.memberOrgs.join(" or ")}`,
      );
    }
    if (c.memberOnlyRead && !c.memberOrgs.includes(env.callerOrgId)) {
      fail(
        ErrorCode.PRIVATE_DATA_FORBIDDEN,
        `collection '${collection}' is readable by clients of ${c.memberOrgs.join(", ")} only (memberOnlyRead), not ${env.callerOrgId || "an anonymous caller"}`,
      );
    }
    return c;
  };
  const write = (collection: string, key: string, value: Uint8Array | null) => {
    const c = collectionOf(env.collections, contract, collection);
    checkUserKey(key);
    if (env.mode === "ordered") needsEndorsement(`writing collection '${collection}'`);
    if (c.memberOnlyWrite && !c.memberOrgs.includes(env.callerOrgId)) {
      fail(
        ErrorCode.PRIVATE_DATA_FORBIDDEN,
        `collection '${collection}' is writable by clients of ${c.memberOrgs.join(", ")} only (memberOnlyWrite), not ${env.callerOrgId || "an anonymous caller"}`,
      );
    }
    if (value && value.length > PRIVATE_VALUE_BYTES_MAX) {
      fail(
        ErrorCode.PRIVATE_DATA_TOO_LARGE,
        `a private value is at most ${PRIVATE_VALUE_BYTES_MAX} bytes; this one is ${value.length}`,
      );
    }
    env.writes.set(`${contract}\0${collection}\0${key}`, { contract, collection, key, value });
    if (value) hashes(collection).putState(keyHashHex(key), sha256(value));
    else hashes(collection).deleteState(keyHashHex(key));
  };
  return {
    getPrivateData(collection, key) {
      checkUserKey(key);
      readable(collection);
      // As Fabric: reads see committed data, not this transaction's own private writes. The
      // hash read makes the value part of the read set, so a later change conflicts.
      const onChain = hashes(collection).getState(keyHashHex(key));
      if (!onChain) return undefined;
      const value = env.store?.get(contract, collection, key);
      if (!value || Buffer.compare(sha256(value), onChain) !== 0) {
        fail(
          ErrorCode.PRIVATE_DATA_MISSING,
          `this node has not received the current value of that key in collection '${collection}' yet; try again shortly or ask another member's node`,
        );
      }
      return value;
    },
    getPrivateDataHash(collection, key) {
      checkUserKey(key);
      collectionOf(env.collections, contract, collection);
      return hashes(collection).getState(keyHashHex(key));
    },
    putPrivateData(collection, key, value) {
      write(collection, key, new Uint8Array(value));
    },
    deletePrivateData(collection, key) {
      write(collection, key, null);
    },
    // Member nodes keep only the current value of a key, so purge and delete remove the same things.
    purgePrivateData(collection, key) {
      write(collection, key, null);
    },
    getPrivateDataRange(collection, startKey, endKey, limit) {
      readable(collection);
      const entries = env.store?.range(contract, collection, startKey, endKey, limit) ?? [];
      // Each value read joins the read set through its hash, as a single read would.
      for (const e of entries) hashes(collection).getState(keyHashHex(e.key));
      return entries;
    },
  };
}
