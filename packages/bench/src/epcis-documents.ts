/**
 * EPCIS 2.0 JSON-LD documents for the supply-chain benchmarks, built as a
 * maker's line would send them: identifiers as GS1 Digital Link URIs,
 * locations as SGLN URNs, CBV 2.0 business steps and dispositions. The
 * bench package may not import `apps` (the layer rule), so the few GS1
 * helpers it needs are here.
 */
import { createHash } from "node:crypto";

/** The built-in contract that runs Products, Epcis, Recall, Verify (apps' SUPPLY_CHAIN_CONTRACT). */
export const SUPPLY_CHAIN = "supplychain";
export const EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
const RESOLVER = "https://id.gs1.org";

/** GS1 check digit (General Specifications 7.9.1): weights 3, 1 from the right. */
export function withCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** A pack and its homogeneous case (indicator digit 1), GS1's example company prefix 0614141. */
export const PACK_GTIN = withCheckDigit("0061414110734");
export const CASE_GTIN = withCheckDigit("1061414110734");
/** The plant (GLN 0614141000012 as SGLN), its packing line and its shipping dock. */
export const PLANT = "urn:epc:id:sgln:0614141.00001.0";
export const PACKING_LINE = "urn:epc:id:sgln:0614141.00001.101";
export const SHIPPING_DOCK = "urn:epc:id:sgln:0614141.00001.201";
/** The maker and its customer as party GLNs. */
const MAKER_PARTY = "urn:epc:id:pgln:0614141.00001";
const CUSTOMER_PARTY = "urn:epc:id:pgln:4012345.00000";

export function itemUri(gtin: string, serial: string): string {
  return `${RESOLVER}/01/${gtin}/21/${serial}`;
}

export function ssccUri(sscc18: string): string {
  return `${RESOLVER}/00/${sscc18}`;
}

/** An SSCC of the maker: extension digit 0, company prefix 0614141, a 9-digit serial reference. */
export function sscc(serialReference: number): string {
  return withCheckDigit(`00614141${String(serialReference).padStart(9, "0")}`);
}

type Fields = Record<string, unknown>;

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** An EPCIS 2.0 capture document of `events`, as text. */
export function epcisDocument(events: Fields[], createdMs = Date.now()): string {
  return JSON.stringify({
    "@context": [EPCIS_CONTEXT],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: isoOf(createdMs),
    epcisBody: { eventList: events },
  });
}

function event(type: string, timeMs: number, fields: Fields): Fields {
  return { type, eventTime: isoOf(timeMs), eventTimeZoneOffset: "+00:00", ...fields };
}

/** Commissioning of serialised packs at the packing line, with their lot and expiry as ILMD. */
export function commissioning(timeMs: number, epcs: string[], lot: string, expiryIso: string): Fields {
  return event("ObjectEvent", timeMs, {
    action: "ADD",
    epcList: epcs,
    bizStep: "commissioning",
    disposition: "active",
    readPoint: { id: PACKING_LINE },
    bizLocation: { id: PLANT },
    ilmd: { "cbvmda:lotNumber": lot, "cbvmda:itemExpirationDate": expiryIso },
  });
}

/** Packing children into a parent (a case, or cases onto a pallet). */
export function packing(timeMs: number, parent: string, children: string[], readPoint = PACKING_LINE): Fields {
  return event("AggregationEvent", timeMs, {
    action: "ADD",
    parentID: parent,
    childEPCs: children,
    bizStep: "packing",
    disposition: "container_closed",
    readPoint: { id: readPoint },
    bizLocation: { id: PLANT },
  });
}

/** Shipping from `site` with its purchase order and despatch advice, from one party to another. */
export function shipping(
  timeMs: number,
  epcs: string[],
  site: string,
  order: string,
  parties: { from: string; to: string } = { from: MAKER_PARTY, to: CUSTOMER_PARTY },
): Fields {
  return event("ObjectEvent", timeMs, {
    action: "OBSERVE",
    epcList: epcs,
    bizStep: "shipping",
    disposition: "in_transit",
    readPoint: { id: site },
    bizTransactionList: [
      { type: "po", bizTransaction: `urn:epcglobal:cbv:bt:4012345000009:${order}` },
      { type: "desadv", bizTransaction: `urn:epcglobal:cbv:bt:0614141000012:DA-${order}` },
    ],
    sourceList: [{ type: "owning_party", source: parties.from }],
    destinationList: [{ type: "owning_party", destination: parties.to }],
  });
}

/** Unpacking a parent at `site`: an AggregationEvent DELETE without children releases them all. */
export function unpacking(timeMs: number, parent: string, site: string): Fields {
  return event("AggregationEvent", timeMs, {
    action: "DELETE",
    parentID: parent,
    bizStep: "unpacking",
    disposition: "in_progress",
    readPoint: { id: site },
    bizLocation: { id: site },
  });
}

/** Receiving at `site` (read point and business location). */
export function receiving(timeMs: number, epcs: string[], site: string): Fields {
  return event("ObjectEvent", timeMs, {
    action: "OBSERVE",
    epcList: epcs,
    bizStep: "receiving",
    disposition: "in_progress",
    readPoint: { id: site },
    bizLocation: { id: site },
  });
}

/**
 * A short serial prefix unique to a client worker's run (12 hex digits of
 * SHA-256), so serials stay within GS1's 20 characters and never repeat
 * across runs against the same network.
 */
export function serialPrefix(worker: string): string {
  return createHash("sha256").update(worker).digest("hex").slice(0, 12);
}

/** Packs per case in the `epcis` workload's documents. */
export const PACKS_PER_CASE = 10;

/**
 * The `epcis` workload's document number `i` of a worker: a maker's line
 * commissions PACKS_PER_CASE fresh serialised packs, packs them into a
 * serialised case, and ships the case to a customer (three events, 22
 * identifiers). The product is not registered on chain, so the chain
 * tracks its units from the first event naming them (an open supply chain).
 */
export function packAndShipDocument(worker: string, i: number, nowMs = Date.now()): string {
  const base = `${serialPrefix(worker)}${i.toString(36)}`;
  const packs = Array.from({ length: PACKS_PER_CASE }, (_, n) => itemUri(PACK_GTIN, `${base}${n.toString(36)}`));
  const caseUri = itemUri(CASE_GTIN, base);
  const t = nowMs - 60_000;
  return epcisDocument(
    [
      commissioning(t, packs, `L${base.slice(0, 6)}`, "2027-12-31"),
      packing(t + 1_000, caseUri, packs),
      shipping(t + 2_000, [caseUri], SHIPPING_DOCK, `PO-${base}`),
    ],
    nowMs,
  );
}

/** The `epcis-object` workload's document: one ObjectEvent commissioning PACKS_PER_CASE fresh packs. */
export function commissioningDocument(worker: string, i: number, nowMs = Date.now()): string {
  const base = `${serialPrefix(worker)}${i.toString(36)}`;
  const packs = Array.from({ length: PACKS_PER_CASE }, (_, n) => itemUri(PACK_GTIN, `${base}${n.toString(36)}`));
  return epcisDocument([commissioning(nowMs - 60_000, packs, `L${base.slice(0, 6)}`, "2027-12-31")], nowMs);
}
