import { seal, unseal } from "@citychain/crypto";
import { type Ledger, prefixEnd, type StateWrite } from "@citychain/ledger";
import {
  CityChainError,
  concatBytes,
  decode,
  ErrorCode,
  encode,
  uint64ToBytes,
  utf8ToBytes,
} from "@citychain/protocol";
import { keyHashHex } from "./keys.ts";

/** A range over a collection decrypts at most this many entries (values are stored by key hash, unordered). */
export const PRIVATE_RANGE_SCAN_MAX = 5_000;
/** Largest private value, in bytes. */
export const PRIVATE_VALUE_BYTES_MAX = 1024 * 1024;

const VALUE_TAG = utf8ToBytes("pv\0");
const EXPIRY_TAG = utf8ToBytes("px\0");
const ZERO = new Uint8Array([0]);
const RECORD_BYTES_MAX = PRIVATE_VALUE_BYTES_MAX + 8 * 1024;

interface SealedRecord {
  key: string;
  value: Uint8Array;
  /** Height of the block that wrote it (blockToLive counts from there). */
  height: number;
}

function collectionPrefix(contract: string, collection: string): Uint8Array {
  return concatBytes(VALUE_TAG, utf8ToBytes(contract), ZERO, utf8ToBytes(collection), ZERO);
}

function valueKey(contract: string, collection: string, keyHash: string): Uint8Array {
  return concatBytes(collectionPrefix(contract, collection), utf8ToBytes(keyHash));
}

function expiryKey(expiresAt: number, storeKey: Uint8Array): Uint8Array {
  return concatBytes(EXPIRY_TAG, uint64ToBytes(expiresAt), storeKey);
}

/**
 * This node's private data: the values of the collections its organisation
 * belongs to, in the ledger's private store, each sealed with AES-256-GCM
 * under the node's key and bound to where it is stored. Values are found by
 * the hash of their key (the form in which transactions name them); the key
 * itself is inside the seal.
 */
export class PrivateStore {
  constructor(
    private readonly ledger: Ledger,
    private readonly sealKey: Uint8Array,
  ) {}

  private open(storeKey: Uint8Array, sealed: Uint8Array): SealedRecord {
    const raw = decode(unseal(this.sealKey, sealed, storeKey), RECORD_BYTES_MAX) as SealedRecord;
    return raw;
  }

  /** The value of `key`, if this node holds it. */
  get(contract: string, collection: string, key: string): Uint8Array | undefined {
    const k = valueKey(contract, collection, keyHashHex(key));
    const sealed = this.ledger.getPrivate(k);
    if (!sealed) return undefined;
    const r = this.open(k, sealed);
    return r.key === key ? r.value : undefined;
  }

  /** Keys `startKey <= k < endKey` ("" for no bound) in key order, at most `limit`. */
  range(
    contract: string,
    collection: string,
    startKey: string,
    endKey: string,
    limit: number,
  ): { key: string; value: Uint8Array }[] {
    const prefix = collectionPrefix(contract, collection);
    const entries = this.ledger.getPrivateRange({
      start: prefix,
      end: prefixEnd(prefix),
      limit: PRIVATE_RANGE_SCAN_MAX + 1,
    });
    if (entries.length > PRIVATE_RANGE_SCAN_MAX) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_QUERY_LIMIT },
        `collection '${collection}' holds more than ${PRIVATE_RANGE_SCAN_MAX} values on this node; a range over it cannot be answered, read keys one by one`,
      );
    }
    const out: { key: string; value: Uint8Array }[] = [];
    for (const e of entries) {
      const r = this.open(e.key, e.value);
      if (r.key >= startKey && (endKey === "" || r.key < endKey)) out.push({ key: r.key, value: r.value });
    }
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out.slice(0, limit);
  }

  /** Store writes that set `key` (sealed) at `height`, with its purge entry when the collection limits its life. */
  writesToPut(
    contract: string,
    collection: string,
    key: string,
    value: Uint8Array,
    height: number,
    blockToLive: number,
  ): StateWrite[] {
    const k = valueKey(contract, collection, keyHashHex(key));
    const writes: StateWrite[] = [{ key: k, value: seal(this.sealKey, encode({ key, value, height }), k) }];
    if (blockToLive > 0) writes.push({ key: expiryKey(height + blockToLive, k), value: new Uint8Array(0) });
    return writes;
  }

  /** The store write that removes a value, named by its key hash (deletes and purges carry no key). */
  writeToRemove(contract: string, collection: string, keyHash: string): StateWrite {
    return { key: valueKey(contract, collection, keyHash), value: null };
  }

  /**
   * Store writes that purge what has outlived its collection's blockToLive
   * at `height`: the values (unless written again since) and their entries.
   */
  expiredAt(height: number, blockToLiveOf: (storeKey: Uint8Array) => number | undefined): StateWrite[] {
    const due = this.ledger.getPrivateRange({
      start: EXPIRY_TAG,
      end: concatBytes(EXPIRY_TAG, uint64ToBytes(height + 1)),
      limit: PRIVATE_RANGE_SCAN_MAX,
    });
    const writes: StateWrite[] = [];
    for (const e of due) {
      writes.push({ key: e.key, value: null });
      const storeKey = e.key.subarray(EXPIRY_TAG.length + 8);
      const sealed = this.ledger.getPrivate(storeKey);
      if (!sealed) continue;
      const btl = blockToLiveOf(storeKey);
      const r = this.open(storeKey, sealed);
      if (btl !== undefined && btl > 0 && r.height + btl <= height) writes.push({ key: storeKey, value: null });
    }
    return writes;
  }
}

/** Contract and collection of a store key (for expiry: which collection's blockToLive applies). */
export function storeKeyCollection(storeKey: Uint8Array): { contract: string; collection: string } | undefined {
  if (storeKey.length < VALUE_TAG.length || Buffer.compare(storeKey.subarray(0, VALUE_TAG.length), VALUE_TAG) !== 0)
    return undefined;
  const rest = storeKey.subarray(VALUE_TAG.length);
  const a = rest.indexOf(0);
  const b = a < 0 ? -1 : rest.indexOf(0, a + 1);
  if (b < 0) return undefined;
  return {
    contract: Buffer.from(rest.subarray(0, a)).toString("utf8"),
    collection: Buffer.from(rest.subarray(a + 1, b)).toString("utf8"),
  };
}
