import { ErrorCode } from "@citychain/protocol";
import { epcCanonicalKey } from "../gs1/epc-key.ts";
import { gs1Error } from "../gs1/gs1-error.ts";
import { readCbvValue } from "./cbv.ts";
import { epcKeyMatches, eventEpcKeys } from "./event-epcs.ts";
import { compareEvents } from "./order.ts";
import { parseDateTimeMs } from "./time.ts";
import type { EpcisAction, EpcisEvent, EpcisEventType } from "./types.ts";

/** Most events one page may return. */
export const EPCIS_QUERY_PAGE_MAX = 1000;

/**
 * EPCIS 2.0 query parameters (section 8.2.7.1) that make sense over events
 * held in memory. Lists are ORed; different parameters are ANDed.
 */
export interface EpcisQueryParams {
  eventType?: EpcisEventType[];
  GE_eventTime?: string;
  LT_eventTime?: string;
  GE_recordTime?: string;
  LT_recordTime?: string;
  EQ_action?: EpcisAction[];
  /** Business steps in any CBV form (bare, cbv:, Web URI, URN) or user URIs. */
  EQ_bizStep?: string[];
  EQ_disposition?: string[];
  /** Location identifiers (SGLN URN or Digital Link /414/), compared as canonical keys. */
  EQ_readPoint?: string[];
  EQ_bizLocation?: string[];
  /** epcList and childEPCs. */
  MATCH_epc?: string[];
  /** Any EPC field: epcList, childEPCs, inputEPCList, outputEPCList, parentID. */
  MATCH_anyEPC?: string[];
  MATCH_parentID?: string[];
  MATCH_inputEPC?: string[];
  MATCH_outputEPC?: string[];
  /** Page size; the caller turns `nextOffset` into its own nextPageToken. */
  perPage?: number;
  /** Where the page starts in the sorted result (from a previous `nextOffset`). */
  offset?: number;
}

/** One page of matching events, sorted by eventTime then eventID. */
export interface EpcisQueryResult {
  events: EpcisEvent[];
  /** Offset of the next page when more events match. */
  nextOffset?: number;
}

const KNOWN = new Set([
  "eventType",
  "GE_eventTime",
  "LT_eventTime",
  "GE_recordTime",
  "LT_recordTime",
  "EQ_action",
  "EQ_bizStep",
  "EQ_disposition",
  "EQ_readPoint",
  "EQ_bizLocation",
  "MATCH_epc",
  "MATCH_anyEPC",
  "MATCH_parentID",
  "MATCH_inputEPC",
  "MATCH_outputEPC",
  "perPage",
  "offset",
]);

function queryError(param: string, message: string): Error {
  return gs1Error(ErrorCode.EPCIS_QUERY_INVALID, `query parameter ${param}`, message);
}

function timeParam(params: EpcisQueryParams, name: keyof EpcisQueryParams): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  const ms = typeof v === "string" ? parseDateTimeMs(v) : undefined;
  if (ms === undefined) throw queryError(name, "must be an xsd:dateTime with offset");
  return ms;
}

function listParam(params: EpcisQueryParams, name: keyof EpcisQueryParams): string[] | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw queryError(name, "must be a list of strings");
  return v as string[];
}

function cbvParam(params: EpcisQueryParams, name: "EQ_bizStep" | "EQ_disposition"): Set<string> | undefined {
  const list = listParam(params, name);
  if (list === undefined) return undefined;
  const kind = name === "EQ_bizStep" ? "bizStep" : "disposition";
  return new Set(
    list.map((v) => {
      const read = readCbvValue(kind, v);
      if (!read.ok) throw queryError(name, read.reason);
      return read.value;
    }),
  );
}

function cbvOf(kind: "bizStep" | "disposition", v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const read = readCbvValue(kind, v);
  return read.ok ? read.value : v;
}

type Predicate = (e: EpcisEvent) => boolean;

function matchAny(keysOf: (e: EpcisEvent) => string[], query: string[] | undefined): Predicate | undefined {
  if (query === undefined) return undefined;
  const wanted = query.map(epcCanonicalKey);
  return (e) => keysOf(e).some((k) => wanted.some((q) => epcKeyMatches(k, q)));
}

function buildPredicates(params: EpcisQueryParams): Predicate[] {
  for (const key of Object.keys(params))
    if (!KNOWN.has(key)) throw queryError(key, "is not a supported query parameter");
  const out: Array<Predicate | undefined> = [];
  const types = listParam(params, "eventType");
  if (types !== undefined) out.push((e) => types.includes(e.type));
  const [geE, ltE, geR, ltR] = (["GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime"] as const).map((n) =>
    timeParam(params, n),
  );
  if (geE !== undefined) out.push((e) => (parseDateTimeMs(e.eventTime) ?? Number.NaN) >= geE);
  if (ltE !== undefined) out.push((e) => (parseDateTimeMs(e.eventTime) ?? Number.NaN) < ltE);
  const recordMs = (e: EpcisEvent) =>
    e.recordTime === undefined ? Number.NaN : (parseDateTimeMs(e.recordTime) ?? Number.NaN);
  if (geR !== undefined) out.push((e) => recordMs(e) >= geR);
  if (ltR !== undefined) out.push((e) => recordMs(e) < ltR);
  const actions = listParam(params, "EQ_action");
  if (actions !== undefined) out.push((e) => "action" in e && actions.includes(e.action as string));
  const steps = cbvParam(params, "EQ_bizStep");
  if (steps !== undefined) out.push((e) => steps.has(cbvOf("bizStep", e.bizStep) ?? ""));
  const disps = cbvParam(params, "EQ_disposition");
  if (disps !== undefined) out.push((e) => disps.has(cbvOf("disposition", e.disposition) ?? ""));
  for (const [name, field] of [
    ["EQ_readPoint", "readPoint"],
    ["EQ_bizLocation", "bizLocation"],
  ] as const) {
    const ids = listParam(params, name);
    if (ids === undefined) continue;
    const wanted = new Set(ids.map(epcCanonicalKey));
    out.push((e) => typeof e[field]?.id === "string" && wanted.has(epcCanonicalKey(e[field].id)));
  }
  out.push(
    matchAny(
      (e) => {
        const k = eventEpcKeys(e);
        return [...k.epcList, ...k.childEPCs];
      },
      listParam(params, "MATCH_epc"),
    ),
  );
  out.push(matchAny((e) => Object.values(eventEpcKeys(e)).flat(), listParam(params, "MATCH_anyEPC")));
  out.push(matchAny((e) => eventEpcKeys(e).parentID, listParam(params, "MATCH_parentID")));
  out.push(matchAny((e) => eventEpcKeys(e).inputEPCList, listParam(params, "MATCH_inputEPC")));
  out.push(matchAny((e) => eventEpcKeys(e).outputEPCList, listParam(params, "MATCH_outputEPC")));
  return out.filter((p): p is Predicate => p !== undefined);
}

/**
 * Filters validated events by EPCIS 2.0 query parameters and returns one
 * page, sorted by eventTime, then eventID, then input position, so the same
 * events and parameters always give the same page. Throws
 * EPCIS_QUERY_INVALID naming a bad or unsupported parameter.
 */
export function queryEvents(events: readonly EpcisEvent[], params: EpcisQueryParams = {}): EpcisQueryResult {
  const predicates = buildPredicates(params);
  const perPage = params.perPage ?? EPCIS_QUERY_PAGE_MAX;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > EPCIS_QUERY_PAGE_MAX) {
    throw queryError("perPage", `must be an integer from 1 to ${EPCIS_QUERY_PAGE_MAX}`);
  }
  const offset = params.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw queryError("offset", "must be a non-negative integer");
  const matching = events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => predicates.every((p) => p(event)))
    .sort(compareEvents);
  const page = matching.slice(offset, offset + perPage).map((m) => m.event);
  const next = offset + perPage;
  return next < matching.length ? { events: page, nextOffset: next } : { events: page };
}
