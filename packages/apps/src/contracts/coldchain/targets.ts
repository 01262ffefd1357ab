import { ErrorCode } from "@citychain/protocol";
import { GS1_RESOLVER } from "../../gs1/digital-link.ts";
import { epcToIdentity } from "../../gs1/epc-key.ts";
import { holdersOf } from "../custody/holdings.ts";
import { custodianAt, loadUnit, topOf, type UnitState } from "../custody/unit.ts";
import { canonicalOf } from "../products/lookup.ts";
import { loadBatch, loadBatchByKey, loadItem } from "../products/product-store.ts";
import type { BatchRecord } from "../products/records.ts";
import { appError } from "../shared/errors.ts";
import type { StateCache } from "../shared/state-cache.ts";

/** Holder organisations named in an excursion on a whole batch. */
const HOLDERS_NAMED_MAX = 20;

/** What a device's readings are about: a batch, an item (its batch), or a case or pallet (every batch inside). */
export interface ReadingTarget {
  key: string;
  batches: BatchRecord[];
  /** The unit the device travels with (null for a whole batch). */
  unit: UnitState | null;
}

function notFound(key: string, how: string): Error {
  return appError(ErrorCode.APP_NOT_FOUND, `${key} is not known on chain; ${how}`);
}

/** Resolves `batchKeyOrEpc` (a batch key, an item, an SSCC; any identifier form) to the batches it holds. */
export async function resolveTarget(state: StateCache, input: string): Promise<ReadingTarget> {
  const key = canonicalOf(input);
  const identity = epcToIdentity(/^(01|00|414)\//.test(key) ? `${GS1_RESOLVER}/${key}` : key);
  if (identity?.scheme === "lgtin") {
    const batch = await loadBatch(state, identity.gtin, identity.lot);
    if (batch === undefined) throw notFound(key, "its maker registers it with Products:RegisterBatch");
    return { key, batches: [batch], unit: null };
  }
  if (identity?.scheme === "sgtin") {
    const item = await loadItem(state, identity.gtin, identity.serial);
    if (item === undefined) throw notFound(key, "its maker registers it with Products:RegisterItem");
    return {
      key,
      batches: [(await loadBatchByKey(state, item.batchKey)) as BatchRecord],
      unit: (await loadUnit(state, key)) ?? null,
    };
  }
  const unit = await loadUnit(state, key);
  if (unit === undefined) throw notFound(key, "no captured event names it");
  const batches: BatchRecord[] = [];
  for (const batchKey of Object.keys(unit.contents)) {
    const batch = await loadBatchByKey(state, batchKey);
    if (batch !== undefined) batches.push(batch);
  }
  if (batches.length === 0)
    throw appError(ErrorCode.APP_NOT_FOUND, `${key} holds no registered batch; readings are recorded per batch`);
  return { key, batches, unit };
}

/**
 * Who held the goods at `ms`: the custodian of the unit the device travels
 * with (its top-level container now, at that time), or for a whole batch
 * the organisations holding its items now.
 */
export async function custodiansAt(
  state: StateCache,
  target: ReadingTarget,
  batch: BatchRecord,
  ms: number,
): Promise<{ custodian: string | null; holders: string[] }> {
  if (target.unit !== null) return { custodian: custodianAt(await topOf(state, target.unit), ms), holders: [] };
  const holders = (await holdersOf(state, batch.key, HOLDERS_NAMED_MAX)).map((h) => h.org);
  return { custodian: holders.length === 1 ? holders[0] : null, holders };
}
