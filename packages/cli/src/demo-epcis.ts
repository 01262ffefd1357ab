import { gs1CheckDigit } from "@citychain/apps";
import type { CityChainClient } from "@citychain/sdk";

/** EPCIS 2.0 building blocks shared by the demo city's supply chains. */
export const RESOLVER = "https://id.gs1.org";
export const HOUR = 3_600_000;

export const gtin14 = (body13: string) => `${body13}${gs1CheckDigit(body13)}`;
export const sscc18 = (body17: string) => `${body17}${gs1CheckDigit(body17)}`;
export const iso = (ms: number) => new Date(ms).toISOString();

/** Submits one supplychain transaction, counting it. */
export type Submit = (client: CityChainClient, fn: string, ...args: string[]) => Promise<void>;

/** A serialised item as its GS1 DataMatrix carries it. */
export interface DemoItem {
  gtin: string;
  lot: string;
  serial: string;
  expiry: string;
}

export function document(events: Record<string, unknown>[]): string {
  return JSON.stringify({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: iso(Date.now()),
    epcisBody: { eventList: events },
  });
}

export function event(type: string, timeMs: number, fields: Record<string, unknown>) {
  return { type, eventTime: iso(timeMs), eventTimeZoneOffset: "+00:00", ...fields };
}

export function objectEvent(timeMs: number, action: string, epcList: string[], fields: Record<string, unknown>) {
  return event("ObjectEvent", timeMs, { action, epcList, ...fields });
}
