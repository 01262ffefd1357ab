import { ErrorCode } from "@citychain/protocol";
import { CONTAINMENT_DEPTH_MAX, CUSTODY_HISTORY_MAX } from "../limits.ts";
import { appError } from "../shared/errors.ts";
import { KeyType } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";

/** One custody change: from `sinceMs` (event time) the unit was held by `org`. */
export interface CustodyEntry {
  org: string;
  sinceMs: number;
  /** Hash of the EPCIS event that moved it; null for registration. */
  eventHash: string | null;
}

/**
 * The custody and containment of one physical thing: a registered item, a
 * logistic unit (SSCC: case, pallet) or any other instance identifier an
 * event named. Custody is held by the top-level unit only: items in a case
 * in a pallet are held by whoever holds the pallet, so receiving a pallet
 * of 10,000 items writes one unit.
 */
export interface UnitState {
  key: string;
  /** The batch of a registered item (its own content); null for other units. */
  batchKey: string | null;
  /** Custody changes, oldest first, the last CUSTODY_HISTORY_MAX of them. */
  custody: CustodyEntry[];
  /** Set by a shipping (or departing) event of the custodian, cleared when received. */
  inTransit: { byOrg: string; eventHash: string; atMs: number; toOrgs?: string[] } | null;
  parent: string | null;
  childCount: number;
  /** Levels of units below this one (0: holds nothing); an upper bound after removals. */
  height: number;
  /** Registered items inside, by batch key, at every level below. */
  contents: Record<string, number>;
  /** Set by an event with disposition destroyed or disposed. */
  destroyed: { eventHash: string; atMs: number } | null;
}

export function unitKey(state: StateCache, key: string): string {
  return state.key(KeyType.unit, [key]);
}

export function loadUnit(state: StateCache, key: string): Promise<UnitState | undefined> {
  return state.get<UnitState>(unitKey(state, key));
}

export function saveUnit(state: StateCache, unit: UnitState): void {
  state.put(unitKey(state, unit.key), unit);
}

/** A unit first held by `org`. */
export function newUnit(
  key: string,
  org: string,
  sinceMs: number,
  eventHash: string | null,
  batchKey: string | null,
): UnitState {
  return {
    key,
    batchKey,
    custody: [{ org, sinceMs, eventHash }],
    inTransit: null,
    parent: null,
    childCount: 0,
    height: 0,
    contents: {},
    destroyed: null,
  };
}

/** The organisation holding a top-level unit now. */
export function currentCustodian(unit: UnitState): string {
  return unit.custody[unit.custody.length - 1].org;
}

/** When the current custodian took the unit. */
export function custodySinceMs(unit: UnitState): number {
  return unit.custody[unit.custody.length - 1].sinceMs;
}

/** The organisation that held the unit at `ms` (the oldest remembered one before that). */
export function custodianAt(unit: UnitState, ms: number): string {
  for (let i = unit.custody.length - 1; i >= 0; i--) if (unit.custody[i].sinceMs <= ms) return unit.custody[i].org;
  return unit.custody[0].org;
}

/** Records that `org` holds the unit from `sinceMs`. */
export function pushCustody(unit: UnitState, org: string, sinceMs: number, eventHash: string | null): void {
  unit.custody.push({ org, sinceMs, eventHash });
  if (unit.custody.length > CUSTODY_HISTORY_MAX) unit.custody.splice(0, unit.custody.length - CUSTODY_HISTORY_MAX);
}

/** Registered items the unit stands for, by batch: itself (an item) plus everything inside. */
export function unitContents(unit: UnitState): Record<string, number> {
  const out: Record<string, number> = { ...unit.contents };
  if (unit.batchKey !== null) out[unit.batchKey] = (out[unit.batchKey] ?? 0) + 1;
  return out;
}

/** The units containing `unit`, innermost first (bounded by CONTAINMENT_DEPTH_MAX). */
export async function ancestorsOf(state: StateCache, unit: UnitState): Promise<UnitState[]> {
  const out: UnitState[] = [];
  for (let parent = unit.parent; parent !== null; ) {
    if (out.length >= CONTAINMENT_DEPTH_MAX) {
      throw appError(
        ErrorCode.APP_LIMIT_EXCEEDED,
        `${unit.key} is nested more than ${CONTAINMENT_DEPTH_MAX} levels deep`,
      );
    }
    const up = await loadUnit(state, parent);
    if (up === undefined) throw new Error(`invariant violated: parent ${parent} of ${unit.key} has no unit record`);
    out.push(up);
    parent = up.parent;
  }
  return out;
}

/** The top-level unit holding `unit` (itself when it is not contained). */
export async function topOf(state: StateCache, unit: UnitState): Promise<UnitState> {
  const ancestors = await ancestorsOf(state, unit);
  return ancestors.length === 0 ? unit : ancestors[ancestors.length - 1];
}
