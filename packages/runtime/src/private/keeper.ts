import type { Ledger, StateWrite } from "@citychain/ledger";
import { bytesEqual, sha256, type Tx } from "@citychain/protocol";
import type { ContractDefinition } from "../contracts/governance/kinds.ts";
import type { PrivateWrite } from "./access.ts";
import { type CollectionConfig, collectionOf } from "./collections.ts";
import { keyHashHex, parsePrivateHashKey } from "./keys.ts";
import { PrivateStore, storeKeyCollection } from "./store.ts";

/** What a node that keeps private data gives the application. */
export interface PrivateDataOptions {
  /** This node's organisation: it keeps the collections that name it. */
  orgId: string;
  /** AES-256 key sealing the private store (kept in the node's home). */
  sealKey: Uint8Array;
  /** Private values this node has for a transaction (its own endorsement, or a member's push). */
  valuesOf(txIdHex: string): readonly PrivateWrite[] | undefined;
  /** Called after a block is durable with the private values this node should hold but lacks. */
  onMissing?(txIdHex: string, missing: readonly PrivateHashEntry[]): void;
}

/** One private write of a committed transaction, as the chain knows it: hashes only. */
export interface PrivateHashEntry {
  txIdHex: string;
  contract: string;
  collection: string;
  keyHash: string;
  /** null: deleted or purged. */
  valueHash: Uint8Array | null;
}

/**
 * Keeps this node's share of private data in step with the chain: after
 * each block, stores (sealed) the values of the collections its
 * organisation belongs to, removes deleted and purged ones, purges what
 * outlived its collection's blockToLive, and reports what it lacks.
 */
export class PrivateDataKeeper {
  readonly store: PrivateStore;

  constructor(
    ledger: Ledger,
    private readonly o: PrivateDataOptions,
  ) {
    this.store = new PrivateStore(ledger, o.sealKey);
  }

  get orgId(): string {
    return this.o.orgId;
  }

  /** The hash writes of an endorsed transaction in collections this node's organisation belongs to. */
  heldHashes(tx: Tx, def: Pick<ContractDefinition, "name" | "collections">): PrivateHashEntry[] {
    const out: PrivateHashEntry[] = [];
    for (const w of tx.endorsed?.rwset.writes ?? []) {
      const p = parsePrivateHashKey(w.key);
      if (!p || p.contract !== def.name) continue;
      const c = collectionOf(def.collections ?? [], def.name, p.collection);
      if (!c.memberOrgs.includes(this.o.orgId)) continue;
      out.push({
        txIdHex: tx.idHex,
        contract: p.contract,
        collection: p.collection,
        keyHash: p.keyHash,
        valueHash: w.value,
      });
    }
    return out;
  }

  /**
   * Store writes for a block at `height`: the held entries' values (from
   * `valuesOf`, each checked against its hash) and expiries; and the
   * entries whose values this node does not have.
   */
  writesForBlock(
    height: number,
    entries: readonly PrivateHashEntry[],
    collectionsOf: (contract: string) => readonly CollectionConfig[],
  ): { writes: StateWrite[]; missing: Map<string, PrivateHashEntry[]> } {
    collectionsOf = memoised(collectionsOf);
    const writes: StateWrite[] = [];
    const missing = new Map<string, PrivateHashEntry[]>();
    for (const e of entries) {
      if (e.valueHash === null) {
        writes.push(this.store.writeToRemove(e.contract, e.collection, e.keyHash));
        continue;
      }
      const v = this.o
        .valuesOf(e.txIdHex)
        ?.find(
          (x) =>
            x.contract === e.contract &&
            x.collection === e.collection &&
            x.value !== null &&
            keyHashHex(x.key) === e.keyHash &&
            bytesEqual(sha256(x.value), e.valueHash as Uint8Array),
        );
      if (!v?.value) {
        missing.set(e.txIdHex, [...(missing.get(e.txIdHex) ?? []), e]);
        continue;
      }
      const btl = collectionsOf(e.contract).find((c) => c.name === e.collection)?.blockToLive ?? 0;
      writes.push(...this.store.writesToPut(e.contract, e.collection, v.key, v.value, height, btl));
    }
    writes.push(
      ...this.store.expiredAt(height, (storeKey) => {
        const at = storeKeyCollection(storeKey);
        return at && collectionsOf(at.contract).find((c) => c.name === at.collection)?.blockToLive;
      }),
    );
    return { writes, missing };
  }

  /**
   * Values that arrived after their block: kept if this node's organisation
   * is a member and each matches the hash now on chain (a later write
   * replaced it otherwise). Returns the store writes to make.
   */
  reconcileWrites(
    values: readonly PrivateWrite[],
    height: number,
    collectionsOf: (contract: string) => readonly CollectionConfig[],
    hashOnChain: (contract: string, collection: string, key: string) => Uint8Array | undefined,
  ): StateWrite[] {
    collectionsOf = memoised(collectionsOf);
    const writes: StateWrite[] = [];
    for (const v of values) {
      const c = collectionsOf(v.contract).find((x) => x.name === v.collection);
      if (!c?.memberOrgs.includes(this.o.orgId) || v.value === null) continue;
      const onChain = hashOnChain(v.contract, v.collection, v.key);
      if (!onChain || !bytesEqual(onChain, sha256(v.value))) continue;
      writes.push(...this.store.writesToPut(v.contract, v.collection, v.key, v.value, height, c.blockToLive));
    }
    return writes;
  }
}

/** Collections of each contract looked up once (each lookup reads and parses its definition). */
function memoised(
  collectionsOf: (contract: string) => readonly CollectionConfig[],
): (contract: string) => readonly CollectionConfig[] {
  const seen = new Map<string, readonly CollectionConfig[]>();
  return (contract) => {
    let c = seen.get(contract);
    if (c === undefined) {
      c = collectionsOf(contract);
      seen.set(contract, c);
    }
    return c;
  };
}
