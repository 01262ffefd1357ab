import { ErrorCode } from "@citychain/protocol";
import { GS1_RESOLVER } from "../../gs1/digital-link.ts";
import { epcCanonicalKey, epcToIdentity } from "../../gs1/epc-key.ts";
import { holdersOf } from "../custody/holdings.ts";
import { ancestorsOf, currentCustodian, loadUnit, type UnitState } from "../custody/unit.ts";
import { appError } from "../shared/errors.ts";
import type { StateCache } from "../shared/state-cache.ts";
import { loadBatch, loadBatchByKey, loadItem, loadProduct } from "./product-store.ts";
import type { BatchRecord, ItemRecord, ProductRecord } from "./records.ts";
import { batchStatus, type UnitStatus, worstStatus } from "./status.ts";

/** Holder organisations listed with a batch. */
const HOLDERS_SHOWN_MAX = 100;

/** What the chain knows of one identifier now, with its status derived at block time. */
export interface Description {
  key: string;
  kind: "item" | "batch" | "unit" | "product";
  /** null for a product (a GTIN has no status of its own). */
  status: UnitStatus | null;
  /** Organisation holding it now (null for a batch, held by many, and a product). */
  custodian: string | null;
  inTransit: boolean;
  /** Containers holding it, innermost first (a case, then its pallet). */
  containers: string[];
  item?: ItemRecord;
  batch?: BatchRecord;
  product?: ProductRecord;
  unit?: UnitState;
  /** Batches inside a case or pallet, with their status. */
  contents?: Array<{ batchKey: string; units: number; status: UnitStatus }>;
  /** Organisations holding items of a batch. */
  holders?: Array<{ org: string; units: number }>;
  /** Transactions behind the answer (registration, recall, quarantine, ...), for their proofs. */
  txIds: string[];
}

/** The canonical key of an EPC URN, a Digital Link URI, or a canonical key itself ("01/…/21/…"). */
export function canonicalOf(input: string): string {
  const text = input.trim();
  return /^(01|00|414)\//.test(text) ? epcCanonicalKey(`${GS1_RESOLVER}/${text}`) : epcCanonicalKey(text);
}

function notFound(key: string, how: string): Error {
  return appError(ErrorCode.APP_NOT_FOUND, `${key} is not known on chain; ${how}`);
}

function batchTxIds(batch: BatchRecord): string[] {
  const ids = [batch.txId, batch.recall?.txId, batch.quarantine?.txId, batch.destroyed?.txId];
  return ids.filter((id): id is string => id !== undefined);
}

async function custodyOf(
  state: StateCache,
  unit: UnitState,
): Promise<Pick<Description, "custodian" | "inTransit" | "containers">> {
  const ancestors = await ancestorsOf(state, unit);
  const top = ancestors.length === 0 ? unit : ancestors[ancestors.length - 1];
  return {
    custodian: currentCustodian(top),
    inTransit: top.inTransit !== null,
    containers: ancestors.map((a) => a.key),
  };
}

/** Describes an item, batch, logistic unit or product by any of its identifier forms. */
export async function describe(state: StateCache, input: string, nowMs: number): Promise<Description> {
  const key = canonicalOf(input);
  const identity = epcToIdentity(/^(01|00|414)\//.test(key) ? `${GS1_RESOLVER}/${key}` : key);
  if (identity?.scheme === "gtin") {
    const product = await loadProduct(state, identity.gtin);
    if (product === undefined) throw notFound(key, "its maker registers a batch or item of it first");
    return {
      key,
      kind: "product",
      status: null,
      custodian: null,
      inTransit: false,
      containers: [],
      product,
      txIds: [product.txId],
    };
  }
  if (identity?.scheme === "lgtin") {
    const batch = await loadBatch(state, identity.gtin, identity.lot);
    if (batch === undefined) throw notFound(key, "its maker registers it with Products:RegisterBatch");
    const holders = await holdersOf(state, batch.key, HOLDERS_SHOWN_MAX);
    const status = batchStatus(batch, nowMs);
    return {
      key,
      kind: "batch",
      status,
      custodian: null,
      inTransit: false,
      containers: [],
      batch,
      holders,
      txIds: batchTxIds(batch),
    };
  }
  const unit = await loadUnit(state, key);
  const item = identity?.scheme === "sgtin" ? await loadItem(state, identity.gtin, identity.serial) : undefined;
  if (item !== undefined && unit !== undefined) {
    const batch = (await loadBatchByKey(state, item.batchKey)) as BatchRecord;
    const status = worstStatus([batchStatus(batch, nowMs), unit.destroyed === null ? "active" : "destroyed"]);
    return {
      key,
      kind: "item",
      status,
      ...(await custodyOf(state, unit)),
      item,
      batch,
      unit,
      txIds: [item.txId, ...batchTxIds(batch)],
    };
  }
  // An item of a product not registered here is still a unit once an event named it.
  if (unit === undefined) {
    throw notFound(
      key,
      identity?.scheme === "sgtin" ? "its maker registers it with Products:RegisterItem" : "no captured event names it",
    );
  }
  const contents: NonNullable<Description["contents"]> = [];
  const txIds: string[] = [];
  for (const [batchKey, units] of Object.entries(unit.contents)) {
    const batch = await loadBatchByKey(state, batchKey);
    if (batch === undefined) continue;
    contents.push({ batchKey, units, status: batchStatus(batch, nowMs) });
    txIds.push(...batchTxIds(batch));
  }
  const status = worstStatus([...contents.map((c) => c.status), unit.destroyed === null ? "active" : "destroyed"]);
  return { key, kind: "unit", status, ...(await custodyOf(state, unit)), unit, contents, txIds };
}
