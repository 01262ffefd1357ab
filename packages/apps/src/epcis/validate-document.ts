import { ErrorCode } from "@citychain/protocol";
import { type CheckContext, checkDateTime, isRecord } from "./check-basic.ts";
import { checkEvent } from "./check-event.ts";
import { documentNamespaces, type Namespaces } from "./context.ts";
import { type EpcisProblem, epcisDocumentError, ProblemSink } from "./problems.ts";
import type { EpcisEvent } from "./types.ts";

/** Most events one document may carry; a larger one is refused before any event is read. */
export const EPCIS_DOCUMENT_EVENTS_MAX = 10_000;

export interface EpcisCheckOptions {
  /** Overrides EPCIS_DOCUMENT_EVENTS_MAX (lower it for untrusted input). */
  maxEvents?: number;
}

/** Everything a document check finds. */
export interface EpcisCheckResult {
  /** Events without problems, normalised (CBV values as bare names), in document order. */
  events: EpcisEvent[];
  /** Every problem, document-level first, then by event. */
  problems: EpcisProblem[];
  /** The document's @context, needed to expand extension prefixes (event hash). */
  context: unknown;
  namespaces: Namespaces;
}

function eventListOf(doc: Record<string, unknown>, sink: ProblemSink): unknown[] | undefined {
  const body = doc.epcisBody;
  if (!isRecord(body)) {
    sink.add("epcisBody", ErrorCode.EPCIS_FIELD_MISSING, "an EPCIS document needs an epcisBody object");
    return undefined;
  }
  if (doc.type === "EPCISQueryDocument") {
    const results = isRecord(body.queryResults) ? body.queryResults.resultsBody : undefined;
    const list = isRecord(results) ? results.eventList : undefined;
    if (!Array.isArray(list)) {
      sink.add(
        "epcisBody.queryResults.resultsBody.eventList",
        ErrorCode.EPCIS_FIELD_MISSING,
        "must be an array of events",
      );
      return undefined;
    }
    return list;
  }
  if (!Array.isArray(body.eventList)) {
    sink.add("epcisBody.eventList", ErrorCode.EPCIS_FIELD_MISSING, "must be an array of events");
    return undefined;
  }
  return body.eventList;
}

function checkHeader(doc: Record<string, unknown>, sink: ProblemSink, c: CheckContext): void {
  if (doc.type !== "EPCISDocument" && doc.type !== "EPCISQueryDocument") {
    sink.add("type", ErrorCode.EPCIS_FIELD_INVALID, 'must be "EPCISDocument" (or "EPCISQueryDocument")');
  }
  if (doc["@context"] === undefined)
    sink.add("@context", ErrorCode.EPCIS_FIELD_MISSING, "a JSON-LD EPCIS document needs @context");
  if (typeof doc.schemaVersion !== "string" || !/^2\.\d+(\.\d+)?$/.test(doc.schemaVersion)) {
    sink.add("schemaVersion", ErrorCode.EPCIS_FIELD_INVALID, 'must be a string such as "2.0"');
  }
  if (doc.creationDate === undefined) sink.add("creationDate", ErrorCode.EPCIS_FIELD_MISSING, "is required");
  else checkDateTime(doc.creationDate, "creationDate", c);
}

/**
 * Checks an EPCIS 2.0 JSON-LD document (or query document) and returns the
 * valid events plus every problem found, each naming the event (index and
 * eventID) and the field path with one error code. Never throws for bad
 * input.
 */
export function checkEpcisDocument(json: unknown, options: EpcisCheckOptions = {}): EpcisCheckResult {
  const problems: EpcisProblem[] = [];
  const docSink = new ProblemSink(problems, null);
  if (!isRecord(json)) {
    docSink.add("", ErrorCode.EPCIS_FIELD_INVALID, "an EPCIS document must be a JSON object");
    return { events: [], problems, context: undefined, namespaces: documentNamespaces(undefined) };
  }
  const context = json["@context"];
  const namespaces = documentNamespaces(context);
  checkHeader(json, docSink, { sink: docSink, namespaces });
  const list = eventListOf(json, docSink);
  const events: EpcisEvent[] = [];
  const max = options.maxEvents ?? EPCIS_DOCUMENT_EVENTS_MAX;
  if (list !== undefined && list.length > max) {
    docSink.add(
      "epcisBody.eventList",
      ErrorCode.EPCIS_EVENT_LIMIT_EXCEEDED,
      `has ${list.length} events, over the limit of ${max}`,
    );
  } else if (list !== undefined) {
    list.forEach((raw, index) => {
      const eventID = isRecord(raw) && typeof raw.eventID === "string" ? raw.eventID : undefined;
      const before = problems.length;
      const sink = new ProblemSink(problems, index, eventID);
      const event = checkEvent(raw, { sink, namespaces });
      if (event !== undefined && problems.length === before) events.push(event);
    });
  }
  return { events, problems, context, namespaces };
}

/**
 * Validates an EPCIS 2.0 JSON-LD document. Returns its normalised events;
 * throws EPCIS_DOCUMENT_INVALID whose `type.problems` lists every problem
 * when anything is wrong.
 */
export function validateEpcisDocument(
  json: unknown,
  options: EpcisCheckOptions = {},
): { events: EpcisEvent[]; context: unknown } {
  const result = checkEpcisDocument(json, options);
  if (result.problems.length > 0) throw epcisDocumentError(result.problems);
  return { events: result.events, context: result.context };
}
