import { ErrorCode } from "@citychain/protocol";
import { identityKey } from "../../gs1/epc-key.ts";
import { decodePercent } from "../../gs1/percent.ts";
import type { Caller } from "../shared/caller.ts";
import { appError } from "../shared/errors.ts";
import { KeyType } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";
import type { BatchRecord, ItemRecord, ProductRecord } from "./records.ts";

/** Canonical key of a batch: "01/<gtin>/10/<lot>". */
export function batchKeyOf(gtin: string, lot: string): string {
  return identityKey({ scheme: "lgtin", gtin, lot });
}

/** Canonical key of an item: "01/<gtin>/21/<serial>". */
export function itemKeyOf(gtin: string, serial: string): string {
  return identityKey({ scheme: "sgtin", gtin, serial });
}

export function loadProduct(state: StateCache, gtin: string): Promise<ProductRecord | undefined> {
  return state.get<ProductRecord>(state.key(KeyType.product, [gtin]));
}

export function saveProduct(state: StateCache, product: ProductRecord): void {
  state.put(state.key(KeyType.product, [product.gtin]), product);
}

export function loadBatch(state: StateCache, gtin: string, lot: string): Promise<BatchRecord | undefined> {
  return state.get<BatchRecord>(state.key(KeyType.batch, [gtin, lot]));
}

export function saveBatch(state: StateCache, batch: BatchRecord): void {
  state.put(state.key(KeyType.batch, [batch.gtin, batch.lot]), batch);
}

export function loadItem(state: StateCache, gtin: string, serial: string): Promise<ItemRecord | undefined> {
  return state.get<ItemRecord>(state.key(KeyType.item, [gtin, serial]));
}

export function saveItem(state: StateCache, item: ItemRecord): void {
  state.put(state.key(KeyType.item, [item.gtin, item.serial]), item);
}

/** The batch of a canonical batch key ("01/<gtin>/10/<lot>", lot percent-encoded), or undefined. */
export async function loadBatchByKey(state: StateCache, batchKey: string): Promise<BatchRecord | undefined> {
  const match = /^01\/(\d{14})\/10\/(.+)$/.exec(batchKey);
  const lot = match === null ? undefined : decodePercent(match[2]);
  return match === null || lot === undefined ? undefined : loadBatch(state, match[1], lot);
}

/** The batch of `gtin` and `lot`, or APP_NOT_FOUND saying how to register it. */
export async function requireBatch(state: StateCache, gtin: string, lot: string): Promise<BatchRecord> {
  const batch = await loadBatch(state, gtin, lot);
  if (batch === undefined) {
    throw appError(
      ErrorCode.APP_NOT_FOUND,
      `batch ${batchKeyOf(gtin, lot)} is not registered; its maker registers it with Products:RegisterBatch`,
    );
  }
  return batch;
}

/**
 * The product of `gtin` for its maker: created with the caller's
 * organisation as maker when new; APP_FORBIDDEN when another organisation
 * already makes it.
 */
export async function claimProduct(
  state: StateCache,
  caller: Caller,
  gtin: string,
  nowMs: number,
  txId: string,
): Promise<ProductRecord> {
  const existing = await loadProduct(state, gtin);
  if (existing !== undefined) {
    if (existing.maker !== caller.org) {
      throw appError(
        ErrorCode.APP_FORBIDDEN,
        `GTIN ${gtin} is made by ${existing.maker}; only its maker registers its batches, items and profile (signer: ${caller.org})`,
      );
    }
    return existing;
  }
  const product: ProductRecord = { gtin, maker: caller.org, createdMs: nowMs, txId, coldChain: null };
  saveProduct(state, product);
  return product;
}
