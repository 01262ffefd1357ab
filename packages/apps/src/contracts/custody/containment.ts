import { ErrorCode } from "@citychain/protocol";
import { CHILDREN_PER_PARENT_MAX, CONTAINER_BATCHES_MAX, CONTAINMENT_DEPTH_MAX } from "../limits.ts";
import { appError } from "../shared/errors.ts";
import { KeyType } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";
import {
  ancestorsOf,
  currentCustodian,
  loadUnit,
  pushCustody,
  saveUnit,
  type UnitState,
  unitContents,
} from "./unit.ts";

/**
 * Containment of units (EPCIS AggregationEvent ADD/DELETE): child [parent,
 * child] entries, the child's `parent`, and the content summary of the
 * parent and every unit above it, so a pallet knows which batches (and how
 * many items of each) it holds at every level without listing them.
 */

function addContents(target: Record<string, number>, delta: Record<string, number>, sign: 1 | -1): void {
  for (const [batchKey, units] of Object.entries(delta)) {
    const next = (target[batchKey] ?? 0) + sign * units;
    if (next === 0) delete target[batchKey];
    else target[batchKey] = next;
  }
}

function invalid(where: string, message: string): Error {
  return appError(ErrorCode.EPCIS_CONTAINMENT_INVALID, `${where}: ${message}`);
}

/** Puts `childKey` into `parentKey` (both units exist, both held by the capturer: checked by the caller). */
export async function addChild(state: StateCache, parentKey: string, childKey: string, where: string): Promise<void> {
  const parent = (await loadUnit(state, parentKey)) as UnitState;
  const child = (await loadUnit(state, childKey)) as UnitState;
  if (child.parent === parentKey) return;
  if (child.parent !== null) {
    throw invalid(
      where,
      `${childKey} is already inside ${child.parent}; capture an AggregationEvent DELETE from it first`,
    );
  }
  const ancestors = await ancestorsOf(state, parent);
  if (parentKey === childKey || ancestors.some((unit) => unit.key === childKey)) {
    throw invalid(where, `${childKey} cannot go into ${parentKey}, which is inside it`);
  }
  if (ancestors.length + 1 + child.height > CONTAINMENT_DEPTH_MAX) {
    throw invalid(
      where,
      `putting ${childKey} into ${parentKey} nests units more than ${CONTAINMENT_DEPTH_MAX} levels deep`,
    );
  }
  if (parent.childCount >= CHILDREN_PER_PARENT_MAX) {
    throw appError(
      ErrorCode.APP_LIMIT_EXCEEDED,
      `${where}: ${parentKey} already holds ${CHILDREN_PER_PARENT_MAX} units; use another container`,
    );
  }
  const delta = unitContents(child);
  child.parent = parentKey;
  // Custody now comes from the parent; a stale transit flag must not let anyone receive the child alone later.
  child.inTransit = null;
  saveUnit(state, child);
  state.put(state.key(KeyType.child, [parentKey, childKey]), 1);
  parent.childCount += 1;
  let height = child.height + 1;
  for (const unit of [parent, ...ancestors]) {
    addContents(unit.contents, delta, 1);
    if (Object.keys(unit.contents).length > CONTAINER_BATCHES_MAX) {
      throw appError(
        ErrorCode.APP_LIMIT_EXCEEDED,
        `${where}: ${unit.key} would hold more than ${CONTAINER_BATCHES_MAX} batches`,
      );
    }
    unit.height = Math.max(unit.height, height);
    height = unit.height + 1;
    saveUnit(state, unit);
  }
}

/**
 * Takes `childKey` out of `parentKey`. The child becomes a top-level unit
 * held by the parent's custodian (`holder`), from `atMs`.
 */
export async function removeChild(
  state: StateCache,
  parentKey: string,
  childKey: string,
  holder: string,
  atMs: number,
  eventHash: string,
  where: string,
): Promise<void> {
  const child = await loadUnit(state, childKey);
  if (child === undefined || child.parent !== parentKey) {
    throw invalid(where, `${childKey} is not inside ${parentKey}`);
  }
  const parent = (await loadUnit(state, parentKey)) as UnitState;
  const ancestors = await ancestorsOf(state, parent);
  const delta = unitContents(child);
  child.parent = null;
  if (currentCustodian(child) !== holder) pushCustody(child, holder, atMs, eventHash);
  saveUnit(state, child);
  state.delete(state.key(KeyType.child, [parentKey, childKey]));
  parent.childCount -= 1;
  for (const unit of [parent, ...ancestors]) {
    addContents(unit.contents, delta, -1);
    saveUnit(state, unit);
  }
}

/** The units directly inside `parentKey` (at most CHILDREN_PER_PARENT_MAX, by construction). */
export async function childrenOf(state: StateCache, parentKey: string): Promise<string[]> {
  const page = await state.page<number>(KeyType.child, [parentKey], CHILDREN_PER_PARENT_MAX);
  return page.entries.map((entry) => entry.attributes[1]);
}
