import { ErrorCode } from "@citychain/protocol";
import type { EpcisEvent } from "../../epcis/types.ts";
import { addChild, childrenOf, removeChild } from "../custody/containment.ts";
import { moveHoldings } from "../custody/holdings.ts";
import { destinationOrgs } from "../custody/parties.ts";
import {
  currentCustodian,
  custodianAt,
  custodySinceMs,
  loadUnit,
  newUnit,
  pushCustody,
  saveUnit,
  topOf,
  type UnitState,
  unitContents,
} from "../custody/unit.ts";
import { appError } from "../shared/errors.ts";
import type { StateCache } from "../shared/state-cache.ts";
import type { EventEpcs } from "./stored-event.ts";

/** One event being captured: by `org`, with its hash, time and a label naming it for messages. */
export interface EventScope {
  state: StateCache;
  org: string;
  hash: string;
  timeMs: number;
  where: string;
}

const SHIP_STEPS = new Set(["shipping", "departing"]);
const RECEIVE_STEPS = new Set(["receiving", "arriving"]);
const DESTROY_DISPOSITIONS = new Set(["destroyed", "disposed"]);

/** True for an identifier of one physical thing; false for a class (a GTIN, or a GTIN and lot). */
export function isInstanceKey(key: string): boolean {
  return !/^01\/\d{14}(\/10\/[^/]+)?$/.test(key);
}

function violation(scope: EventScope, message: string): Error {
  return appError(ErrorCode.EPCIS_CUSTODY_VIOLATION, `${scope.where}: ${message}`);
}

function named(subject: string, top: UnitState): string {
  return subject === top.key ? subject : `${subject} (inside ${top.key})`;
}

async function topUnit(scope: EventScope, key: string): Promise<UnitState> {
  return topOf(scope.state, (await loadUnit(scope.state, key)) as UnitState);
}

async function requireHeld(scope: EventScope, key: string, doing: string): Promise<void> {
  const top = await topUnit(scope, key);
  const holder = currentCustodian(top);
  if (holder !== scope.org) {
    throw violation(
      scope,
      `${named(key, top)} is held by ${holder}, not by ${scope.org}; only its custodian may ${doing} it`,
    );
  }
}

/** Units for identifiers seen for the first time: held by the capturer from this event on. */
async function ensureUnits(scope: EventScope, keys: string[]): Promise<void> {
  for (const key of keys) {
    if ((await loadUnit(scope.state, key)) === undefined)
      saveUnit(scope.state, newUnit(key, scope.org, scope.timeMs, scope.hash, null));
  }
}

/**
 * Shipping (or departing) is allowed to the custodian at the event's time
 * only, and marks the top-level unit in transit. Receiving (or arriving)
 * moves custody to the capturer, but only of a unit its custodian shipped
 * and not before it was shipped: a receiver cannot take goods nobody sent.
 * When the shipment's destinationList names parties that members
 * registered (`Products:RegisterParty`), only those members may receive it.
 */
async function custodyStep(scope: EventScope, event: EpcisEvent, step: string, subjects: string[]): Promise<void> {
  if (!SHIP_STEPS.has(step) && !RECEIVE_STEPS.has(step)) return;
  const toOrgs = SHIP_STEPS.has(step) ? await destinationOrgs(scope.state, event.destinationList) : [];
  const tops = new Map<string, { top: UnitState; subject: string }>();
  for (const subject of subjects) {
    const top = await topUnit(scope, subject);
    if (!tops.has(top.key)) tops.set(top.key, { top, subject });
  }
  for (const { top, subject } of tops.values()) {
    const holder = currentCustodian(top);
    const current = scope.timeMs >= custodySinceMs(top);
    if (SHIP_STEPS.has(step)) {
      const holderThen = custodianAt(top, scope.timeMs);
      if (holderThen !== scope.org) {
        throw violation(
          scope,
          `${named(subject, top)} is held by ${holderThen}, not by ${scope.org}: only its custodian ships it (${holderThen} ships it, or ${scope.org} receives it first)`,
        );
      }
      if (current) {
        top.inTransit = { byOrg: scope.org, eventHash: scope.hash, atMs: scope.timeMs };
        if (toOrgs.length > 0) top.inTransit.toOrgs = toOrgs;
      }
    } else if (holder === scope.org) {
      if (current) top.inTransit = null;
    } else if (top.inTransit === null) {
      throw violation(
        scope,
        `${named(subject, top)} is held by ${holder} and was not shipped; ${holder} must capture its shipping before ${scope.org} can receive it`,
      );
    } else if (scope.timeMs < top.inTransit.atMs) {
      throw violation(
        scope,
        `${named(subject, top)} is received at ${scope.timeMs} ms, before it was shipped at ${top.inTransit.atMs} ms`,
      );
    } else if (top.inTransit.toOrgs && !top.inTransit.toOrgs.includes(scope.org)) {
      throw violation(
        scope,
        `${named(subject, top)} was shipped to ${top.inTransit.toOrgs.join(", ")} (its destinationList), not to ${scope.org}`,
      );
    } else {
      await moveHoldings(scope.state, unitContents(top), holder, scope.org);
      pushCustody(top, scope.org, scope.timeMs, scope.hash);
      top.inTransit = null;
    }
    saveUnit(scope.state, top);
  }
}

/** AggregationEvent ADD/OBSERVE puts children into the parent, DELETE takes them (or all) out; the capturer must hold both. */
async function containmentStep(scope: EventScope, event: EpcisEvent, epcs: EventEpcs): Promise<void> {
  const parent = epcs.parentID[0];
  if (event.type !== "AggregationEvent" || parent === undefined) return;
  await requireHeld(scope, parent, "pack or unpack");
  const listed = epcs.childEPCs.filter(isInstanceKey);
  if (event.action === "DELETE") {
    const children = listed.length > 0 ? listed : await childrenOf(scope.state, parent);
    for (const child of children)
      await removeChild(scope.state, parent, child, scope.org, scope.timeMs, scope.hash, scope.where);
    return;
  }
  for (const child of listed) {
    if ((await loadUnit(scope.state, child))?.parent === parent) continue;
    await requireHeld(scope, child, "pack");
    await addChild(scope.state, parent, child, scope.where);
  }
}

/**
 * Applies one event to custody and containment, in the order that lets a
 * receiver unpack what it receives and a shipper ship what it has just
 * packed. Class-level quantities carry no custody (they are recorded and
 * traced only). Throws EPCIS_CUSTODY_VIOLATION or EPCIS_CONTAINMENT_INVALID
 * naming the event and identifier.
 */
export async function applyCustodyRules(scope: EventScope, event: EpcisEvent, epcs: EventEpcs): Promise<void> {
  const { epcList, childEPCs, parentID, inputEPCList, outputEPCList } = epcs;
  await ensureUnits(
    scope,
    [...new Set([...epcList, ...childEPCs, ...parentID, ...inputEPCList, ...outputEPCList])].filter(isInstanceKey),
  );
  const step = event.bizStep ?? "";
  const subjects =
    event.type === "ObjectEvent" || event.type === "TransactionEvent" || event.type === "AggregationEvent"
      ? [...new Set([...parentID, ...epcList, ...childEPCs])].filter(isInstanceKey)
      : [];
  if (RECEIVE_STEPS.has(step)) {
    await custodyStep(scope, event, step, subjects);
    await containmentStep(scope, event, epcs);
  } else {
    await containmentStep(scope, event, epcs);
    await custodyStep(scope, event, step, subjects);
  }
  if (event.type === "TransformationEvent") {
    for (const key of [...inputEPCList, ...outputEPCList].filter(isInstanceKey))
      await requireHeld(scope, key, "transform");
  }
  if (event.disposition !== undefined && DESTROY_DISPOSITIONS.has(event.disposition)) {
    for (const key of epcList.filter(isInstanceKey)) {
      await requireHeld(scope, key, "destroy");
      const unit = (await loadUnit(scope.state, key)) as UnitState;
      unit.destroyed = { eventHash: scope.hash, atMs: scope.timeMs };
      saveUnit(scope.state, unit);
    }
  }
}
