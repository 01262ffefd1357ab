import { ErrorCode } from "@citychain/protocol";
import { readCbvValue } from "../../epcis/cbv.ts";
import { EPCIS_QUERY_PAGE_MAX, type EpcisQueryParams, queryEvents } from "../../epcis/query.ts";
import { parseDateTimeMs } from "../../epcis/time.ts";
import { epcCanonicalKey } from "../../gs1/epc-key.ts";
import { QUERY_SCAN_ENTRIES_MAX } from "../limits.ts";
import { isPlainObject } from "../shared/args.ts";
import { appError } from "../shared/errors.ts";
import { KeyType, timeKeyPart } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";
import { type IndexEntry, type IndexRange, loadEvent, locationKey, readIndex } from "./event-index.ts";
import { type StoredEvent, skeletonOf } from "./stored-event.ts";

/** One page of a query, the index it scanned, and the token of the next page when there may be more. */
export interface QueryAnswer {
  events: StoredEvent[];
  nextPageToken?: string;
  index: string;
  scanned: number;
}

const LIST_PARAMS = new Set([
  "eventType",
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
]);
const DEFAULT_PER_PAGE = 100;
const FETCH_BATCH = 200;

function invalid(param: string, message: string): Error {
  return appError(ErrorCode.EPCIS_QUERY_INVALID, `query parameter ${param}: ${message}`);
}

/** The library's parameters: a single value may stand for a list of one (as in the REST binding's query string). */
function libraryParams(input: Record<string, unknown>): EpcisQueryParams {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (name === "perPage" || name === "nextPageToken") continue;
    if (name === "offset") throw invalid("offset", "pages are reached with nextPageToken");
    out[name] = LIST_PARAMS.has(name) && typeof value === "string" ? [value] : value;
  }
  return out as EpcisQueryParams;
}

function perPageOf(value: unknown): number {
  if (value === undefined) return DEFAULT_PER_PAGE;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > EPCIS_QUERY_PAGE_MAX) {
    throw invalid("perPage", `must be a whole number from 1 to ${EPCIS_QUERY_PAGE_MAX}`);
  }
  return n;
}

function tokenOf(value: unknown): IndexEntry | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === "string" ? /^(\d{15})\.([0-9a-f]{64})$/.exec(value) : null;
  if (match === null) throw invalid("nextPageToken", "is not a token this query returned; repeat the query without it");
  return { time: match[1], hashHex: match[2] };
}

/** The most selective index a query names with a single value; all events by time otherwise. */
function chooseIndex(params: EpcisQueryParams): IndexRange {
  const single = (list: string[] | undefined) => (list?.length === 1 ? list[0] : undefined);
  for (const value of [single(params.MATCH_epc), single(params.MATCH_anyEPC)]) {
    // A bare GTIN matches every instance of it: no single index key holds those.
    if (value !== undefined && !/^01\/\d{14}$/.test(epcCanonicalKey(value)))
      return { type: KeyType.byEpc, attributes: [epcCanonicalKey(value)] };
  }
  const location = single(params.EQ_bizLocation);
  if (location !== undefined) return { type: KeyType.byBizLocation, attributes: [locationKey(location)] };
  const readPoint = single(params.EQ_readPoint);
  if (readPoint !== undefined) return { type: KeyType.byReadPoint, attributes: [locationKey(readPoint)] };
  for (const [kind, type, value] of [
    ["bizStep", KeyType.byStep, single(params.EQ_bizStep)],
    ["disposition", KeyType.byDisposition, single(params.EQ_disposition)],
  ] as const) {
    const read = value === undefined ? undefined : readCbvValue(kind, value);
    if (read?.ok) return { type, attributes: [read.value] };
  }
  return { type: KeyType.byTime, attributes: [] };
}

/**
 * EPCIS 2.0 query over captured events (the library's parameters, plus
 * `perPage` and `nextPageToken`). One index is scanned in time order from
 * GE_eventTime (or the token) and stops at LT_eventTime; each event is
 * filtered by the library with every parameter. At most
 * QUERY_SCAN_ENTRIES_MAX entries are read per call: a page may then hold
 * fewer than perPage events and carry a token to go on from.
 */
export async function runQuery(state: StateCache, input: unknown): Promise<QueryAnswer> {
  if (!isPlainObject(input)) throw invalid("(all)", "the parameters must be a JSON object");
  const params = libraryParams(input);
  queryEvents([], params); // validates every parameter (EPCIS_QUERY_INVALID naming it)
  const perPage = perPageOf(input.perPage);
  const range = chooseIndex(params);
  const ge = params.GE_eventTime === undefined ? undefined : (parseDateTimeMs(params.GE_eventTime) as number);
  const lt = params.LT_eventTime === undefined ? undefined : (parseDateTimeMs(params.LT_eventTime) as number);
  let from: { time: string; hashHex?: string } | undefined =
    tokenOf(input.nextPageToken) ?? (ge === undefined ? undefined : { time: timeKeyPart(Math.max(0, ge)) });
  const answer: QueryAnswer = { events: [], index: range.type, scanned: 0 };
  for (;;) {
    const budget = QUERY_SCAN_ENTRIES_MAX - answer.scanned;
    if (budget <= 0) {
      if (from?.hashHex !== undefined) answer.nextPageToken = `${from.time}.${from.hashHex}`;
      return answer;
    }
    const page = await readIndex(state, range, from, Math.min(budget, FETCH_BATCH));
    for (const [i, entry] of page.entries.entries()) {
      if (lt !== undefined && Number(entry.time) >= lt) return answer;
      answer.scanned++;
      const stored = (await loadEvent(state, entry.hashHex)) as StoredEvent;
      if (queryEvents([skeletonOf(stored)], params).events.length === 1) answer.events.push(stored);
      if (answer.events.length === perPage) {
        const next = page.entries[i + 1] ?? page.next;
        if (next !== undefined && (lt === undefined || Number(next.time) < lt))
          answer.nextPageToken = `${next.time}.${next.hashHex}`;
        return answer;
      }
    }
    if (page.next === undefined) return answer;
    from = page.next;
  }
}
