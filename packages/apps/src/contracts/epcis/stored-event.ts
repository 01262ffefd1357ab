import { eventEpcKeys } from "../../epcis/event-epcs.ts";
import type { EpcisAction, EpcisEvent, EpcisEventType } from "../../epcis/types.ts";
import { epcCanonicalKey } from "../../gs1/epc-key.ts";
import { isoOfMs } from "../shared/block-time.ts";

/** Canonical keys of the identifiers an event names, by role; `classes` from its quantity lists. */
export interface EventEpcs {
  epcList: string[];
  childEPCs: string[];
  parentID: string[];
  inputEPCList: string[];
  outputEPCList: string[];
  classes: string[];
}

/**
 * One captured event as the chain keeps it. The fields outside `body` are
 * what custody, recall, query and trace need, so they are kept for every
 * event: hash, type, action, times, business step, disposition, read point,
 * business location, the identifiers (not quantities), the capturing
 * organisation and transaction. `body` (the event as sent, with the
 * document's @context, so anyone can recompute the hash) is null for a
 * confidential capture: quantities, business transactions (orders,
 * invoices, prices), sources and destinations (partners), ILMD, sensor
 * data and extensions then stay with the capturer, provable against `hash`.
 */
export interface StoredEvent {
  /** CBV 2.0 Event Hash ID, ni:///sha-256;<hex>?ver=CBV2.0. */
  hash: string;
  eventID: string | null;
  eventType: EpcisEventType;
  action: EpcisAction | null;
  eventTime: string;
  eventTimeMs: number;
  eventTimeZoneOffset: string;
  /** Block time of the capture (EPCIS recordTime). */
  recordTimeMs: number;
  bizStep: string | null;
  disposition: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  epcs: EventEpcs;
  capturer: string;
  txId: string;
  confidential: boolean;
  body: { event: unknown; context: unknown } | null;
}

const QUANTITY_LISTS = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];

/** The identifiers of a validated event, canonical, by role. */
export function eventEpcsOf(event: EpcisEvent): EventEpcs {
  const keys = eventEpcKeys(event);
  const classes: string[] = [];
  const fields = event as Record<string, unknown>;
  for (const name of QUANTITY_LISTS) {
    const list = fields[name];
    if (!Array.isArray(list)) continue;
    for (const element of list as Array<{ epcClass?: unknown }>) {
      if (typeof element.epcClass === "string") classes.push(epcCanonicalKey(element.epcClass));
    }
  }
  return { ...keys, classes };
}

/** Every canonical key of an event, each once, in role order. */
export function allEpcKeys(epcs: EventEpcs): string[] {
  return [
    ...new Set([
      ...epcs.epcList,
      ...epcs.childEPCs,
      ...epcs.parentID,
      ...epcs.inputEPCList,
      ...epcs.outputEPCList,
      ...epcs.classes,
    ]),
  ];
}

/**
 * The event as the query and trace functions of the library read it, built
 * from the kept fields only, so public and confidential events answer
 * queries alike (identifiers are canonical keys, which match themselves).
 */
export function skeletonOf(stored: StoredEvent): EpcisEvent {
  const event: Record<string, unknown> = {
    type: stored.eventType,
    eventTime: isoOfMs(stored.eventTimeMs),
    eventTimeZoneOffset: stored.eventTimeZoneOffset,
    recordTime: isoOfMs(stored.recordTimeMs),
    eventID: stored.hash,
  };
  if (stored.action !== null) event.action = stored.action;
  if (stored.bizStep !== null) event.bizStep = stored.bizStep;
  if (stored.disposition !== null) event.disposition = stored.disposition;
  if (stored.readPoint !== null) event.readPoint = { id: stored.readPoint };
  if (stored.bizLocation !== null) event.bizLocation = { id: stored.bizLocation };
  const { epcList, childEPCs, parentID, inputEPCList, outputEPCList } = stored.epcs;
  if (epcList.length > 0) event.epcList = epcList;
  if (childEPCs.length > 0) event.childEPCs = childEPCs;
  if (parentID.length > 0) event.parentID = parentID[0];
  if (inputEPCList.length > 0) event.inputEPCList = inputEPCList;
  if (outputEPCList.length > 0) event.outputEPCList = outputEPCList;
  return event as unknown as EpcisEvent;
}

/** What lists of events show for each: the stored event without its body. */
export type EventSummary = Omit<StoredEvent, "body">;

export function summaryOf(stored: StoredEvent): EventSummary {
  const { body: _body, ...summary } = stored;
  return summary;
}

/** The hex digest of an Event Hash ID (the part used in keys). */
export function hashHexOf(hash: string): string {
  const match = /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=CBV2\.0$/.exec(hash);
  if (match === null) throw new Error(`invariant violated: ${hash} is not a CBV 2.0 event hash`);
  return match[1];
}
