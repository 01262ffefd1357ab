/**
 * The cast and the things of the contract tests: organisations and their
 * signers, a vaccine GTIN, SSCCs, and builders of EPCIS 2.0 documents in
 * their JSON-LD form (identifiers as GS1 Digital Link URIs).
 */
import { gs1CheckDigit } from "../../../src/index.ts";
import type { TestIdentity } from "./ledger.ts";

export const FACTORY = "FactoryMSP";
export const DISTRIBUTOR = "DistributorMSP";
export const PHARMACY = "PharmacyMSP";
export const IOT = "ColdLogMSP";
export const AUTHORITY = "HealthAuthorityMSP";

export const factory: TestIdentity = { name: "line-lead", mspId: FACTORY, role: "member" };
export const factoryQp: TestIdentity = { name: "qp", mspId: FACTORY, role: "member", attributes: { qp: "true" } };
export const distributor: TestIdentity = { name: "warehouse", mspId: DISTRIBUTOR, role: "member" };
export const pharmacy: TestIdentity = { name: "pharmacist", mspId: PHARMACY, role: "member" };
export const iotAdmin: TestIdentity = { name: "iot-admin", mspId: IOT, role: "admin" };
export const iotGateway: TestIdentity = { name: "gateway-node", mspId: IOT, role: "node" };
export const regulator: TestIdentity = {
  name: "inspector",
  mspId: AUTHORITY,
  role: "member",
  attributes: { regulator: "true" },
};

/** A GTIN-14 whose check digit the library computes. */
export function gtin14(body13: string): string {
  return `${body13}${gs1CheckDigit(body13)}`;
}

/** An 18-digit SSCC (extension 0, company prefix 0614141). */
export function sscc(serialRef: number): string {
  const body = `00614141${String(serialRef).padStart(9, "0")}`;
  return `${body}${gs1CheckDigit(body)}`;
}

export const VACCINE = gtin14("0950600013435");
export const RESOLVER = "https://id.gs1.org";

/** Digital Link of an item; canonical key "01/<gtin>/21/<serial>". */
export function itemUri(serial: string, gtin = VACCINE): string {
  return `${RESOLVER}/01/${gtin}/21/${serial}`;
}

export function ssccUri(sscc18: string): string {
  return `${RESOLVER}/00/${sscc18}`;
}

export const FACTORY_SITE = "urn:epc:id:sgln:0614141.00001.0";
export const DISTRIBUTOR_SITE = "urn:epc:id:sgln:0614141.00002.0";
export const PHARMACY_SITE = "urn:epc:id:sgln:0614141.00003.0";

/** The instant `2025-01-01T<hh>:<mm>:00Z` as EPCIS writes it. */
export function at(hour: number, minute = 0): string {
  return `2025-01-01T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00.000Z`;
}

type Fields = Record<string, unknown>;

function base(eventTime: string, fields: Fields): Fields {
  return { eventTime, eventTimeZoneOffset: "+00:00", ...fields };
}

export function objectEvent(
  eventTime: string,
  action: "ADD" | "OBSERVE" | "DELETE",
  epcList: string[],
  fields: Fields = {},
): Fields {
  return base(eventTime, { type: "ObjectEvent", action, epcList, ...fields });
}

export function aggregationEvent(
  eventTime: string,
  action: "ADD" | "OBSERVE" | "DELETE",
  parentID: string,
  childEPCs: string[],
  fields: Fields = {},
): Fields {
  const event = base(eventTime, { type: "AggregationEvent", action, parentID, ...fields });
  if (childEPCs.length > 0) event.childEPCs = childEPCs;
  return event;
}

export function ship(eventTime: string, epcList: string[], site: string): Fields {
  return objectEvent(eventTime, "OBSERVE", epcList, {
    bizStep: "shipping",
    disposition: "in_transit",
    readPoint: { id: site },
  });
}

export function receive(eventTime: string, epcList: string[], site: string): Fields {
  return objectEvent(eventTime, "OBSERVE", epcList, {
    bizStep: "receiving",
    disposition: "in_progress",
    readPoint: { id: site },
    bizLocation: { id: site },
  });
}

/** An EPCIS 2.0 JSON-LD document of `events`, as text. */
export function epcisDocument(events: Fields[]): string {
  return JSON.stringify({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: "2025-01-01T00:00:00.000Z",
    epcisBody: { eventList: events },
  });
}

/** Readings every `stepMin` minutes from `fromMs` for `hours`, at `celsius`. */
export function readings(
  fromMs: number,
  hours: number,
  celsius: number,
  stepMin = 30,
): Array<{ timeMs: number; celsius: number }> {
  const out: Array<{ timeMs: number; celsius: number }> = [];
  for (let t = fromMs; t <= fromMs + hours * 3_600_000; t += stepMin * 60_000) out.push({ timeMs: t, celsius });
  return out;
}
