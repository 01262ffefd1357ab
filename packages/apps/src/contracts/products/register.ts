import { ErrorCode } from "@citychain/protocol";
import { formatDigitalLink } from "../../gs1/digital-link.ts";
import { addHolding } from "../custody/holdings.ts";
import { currentCustodian, loadUnit, newUnit, saveUnit } from "../custody/unit.ts";
import type { Caller } from "../shared/caller.ts";
import { appError } from "../shared/errors.ts";
import type { StateCache } from "../shared/state-cache.ts";
import type { ExpiryInput } from "./gs1-input.ts";
import { batchKeyOf, claimProduct, itemKeyOf, loadBatch, loadItem, saveBatch, saveItem } from "./product-store.ts";
import type { BatchRecord, ItemRecord } from "./records.ts";

/** The transaction a registration happens in. */
export interface TxFacts {
  nowMs: number;
  txId: string;
}

/** A lot to register: validated GS1 values, the declared quantity (null: unknown) and free attributes. */
export interface BatchInput {
  gtin: string;
  lot: string;
  expiry: ExpiryInput;
  quantity: number | null;
  attributes: Record<string, unknown>;
}

function newBatch(caller: Caller, input: BatchInput, tx: TxFacts): BatchRecord {
  return {
    key: batchKeyOf(input.gtin, input.lot),
    gtin: input.gtin,
    lot: input.lot,
    expiry: input.expiry.expiry,
    expiryDate: input.expiry.date,
    expiryEndMs: input.expiry.endMs,
    quantity: input.quantity,
    itemCount: 0,
    maker: caller.org,
    attributes: input.attributes,
    digitalLink: formatDigitalLink({ gtin: input.gtin, lot: input.lot, expiry: input.expiry.expiry }),
    createdMs: tx.nowMs,
    txId: tx.txId,
    recall: null,
    quarantine: null,
    destroyed: null,
    releases: [],
  };
}

/** Registers a lot for its maker (the caller's organisation). APP_ALREADY_EXISTS if it is registered. */
export async function registerBatch(
  state: StateCache,
  caller: Caller,
  input: BatchInput,
  tx: TxFacts,
): Promise<BatchRecord> {
  await claimProduct(state, caller, input.gtin, tx.nowMs, tx.txId);
  const existing = await loadBatch(state, input.gtin, input.lot);
  if (existing !== undefined) {
    throw appError(
      ErrorCode.APP_ALREADY_EXISTS,
      `batch ${existing.key} is already registered (transaction ${existing.txId})`,
    );
  }
  const batch = newBatch(caller, input, tx);
  saveBatch(state, batch);
  return batch;
}

/**
 * Registers serialised items of a lot for their maker, creating the lot
 * when it is new. Each item gets its record, its unit (held by the maker)
 * and counts in the maker's holding of the lot: about 2 writes per item
 * plus 3, so ITEMS_PER_REGISTER_MAX bounds a call.
 */
export async function registerItems(
  state: StateCache,
  caller: Caller,
  batchInput: BatchInput,
  serials: string[],
  tx: TxFacts,
): Promise<ItemRecord[]> {
  await claimProduct(state, caller, batchInput.gtin, tx.nowMs, tx.txId);
  const batch =
    (await loadBatch(state, batchInput.gtin, batchInput.lot)) ??
    newBatch(caller, { ...batchInput, attributes: {} }, tx);
  if (batch.expiry !== batchInput.expiry.expiry) {
    throw appError(
      ErrorCode.APP_STATE_CONFLICT,
      `batch ${batch.key} expires ${batch.expiry} (YYMMDD); the items say ${batchInput.expiry.expiry}: register them with the batch's expiry`,
    );
  }
  if (batch.recall !== null || batch.destroyed !== null) {
    throw appError(
      ErrorCode.APP_STATE_CONFLICT,
      `batch ${batch.key} is ${batch.destroyed !== null ? "destroyed" : "recalled"}; no items can be added to it`,
    );
  }
  const items: ItemRecord[] = [];
  for (const serial of serials) {
    const key = itemKeyOf(batch.gtin, serial);
    const existing = await loadItem(state, batch.gtin, serial);
    if (existing !== undefined)
      throw appError(ErrorCode.APP_ALREADY_EXISTS, `item ${key} is already registered (transaction ${existing.txId})`);
    const seen = await loadUnit(state, key);
    if (seen !== undefined) {
      throw appError(
        ErrorCode.APP_STATE_CONFLICT,
        `item ${key} already appears in captured events (held by ${currentCustodian(seen)}); items are registered before events name them`,
      );
    }
    const item: ItemRecord = {
      key,
      gtin: batch.gtin,
      lot: batch.lot,
      serial,
      expiry: batch.expiry,
      batchKey: batch.key,
      maker: caller.org,
      attributes: batchInput.attributes,
      digitalLink: formatDigitalLink({ gtin: batch.gtin, lot: batch.lot, serial, expiry: batch.expiry }),
      createdMs: tx.nowMs,
      txId: tx.txId,
    };
    saveItem(state, item);
    // Held by its maker from the start: events captured later may carry earlier times (packing, shipping).
    saveUnit(state, newUnit(key, caller.org, 0, null, batch.key));
    items.push(item);
  }
  batch.itemCount += items.length;
  saveBatch(state, batch);
  await addHolding(state, batch.key, caller.org, items.length);
  return items;
}
