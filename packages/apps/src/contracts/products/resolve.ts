import { ErrorCode, isCityChainError } from "@citychain/protocol";
import { parseDigitalLink } from "../../gs1/digital-link.ts";
import { loadEvent, readIndex } from "../epcis/event-index.ts";
import { allEpcKeys, type EventSummary, hashHexOf } from "../epcis/stored-event.ts";
import { runTrace } from "../epcis/trace.ts";
import { RESOLVE_EVENTS_MAX } from "../limits.ts";
import { KeyType } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";
import { type Description, describe } from "./lookup.ts";

/** One step of a product's story, as the resolver shows it. */
export interface ProvenanceStep {
  hash: string;
  eventType: string;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  eventTime: string;
  eventTimeMs: number;
  readPoint: string | null;
  bizLocation: string | null;
  /** The organisation that captured (and signed) the event. */
  capturer: string;
  /** Its transaction: the SDK fetches the transaction's proof by this id. */
  txId: string;
  /** The identifier through which the event concerns this one (itself, its lot, or a container it was in). */
  via: string;
}

/** The resolver's answer for a Digital Link: the description plus the events of its story. */
export interface ResolveAnswer extends Description {
  uri: string;
  events: ProvenanceStep[];
  eventsTruncated: boolean;
}

function stepOf(stored: EventSummary, preferred: string[]): ProvenanceStep {
  const {
    hash,
    eventType,
    action,
    bizStep,
    disposition,
    eventTime,
    eventTimeMs,
    readPoint,
    bizLocation,
    capturer,
    txId,
  } = stored;
  const named = allEpcKeys(stored.epcs);
  const via = preferred.find((key) => named.includes(key)) ?? named[0];
  return {
    hash,
    eventType,
    action,
    bizStep,
    disposition,
    eventTime,
    eventTimeMs,
    readPoint,
    bizLocation,
    capturer,
    txId,
    via,
  };
}

/** The events naming the thing itself, its lot and its current containers, when the full trace is too large. */
async function directEvents(state: StateCache, sources: string[]): Promise<EventSummary[]> {
  const found = new Map<string, EventSummary>();
  for (const key of sources) {
    if (found.size >= RESOLVE_EVENTS_MAX) break;
    const page = await readIndex(
      state,
      { type: KeyType.byEpc, attributes: [key] },
      undefined,
      RESOLVE_EVENTS_MAX - found.size,
    );
    for (const entry of page.entries) {
      if (!found.has(entry.hashHex)) found.set(entry.hashHex, (await loadEvent(state, entry.hashHex)) as EventSummary);
    }
  }
  return [...found.values()].sort(
    (a, b) => a.eventTimeMs - b.eventTimeMs || (hashHexOf(a.hash) < hashHexOf(b.hash) ? -1 : 1),
  );
}

/**
 * What a GS1 Digital Link QR code resolves to (`Products:Resolve`): the
 * item, lot, logistic unit or product, its status and custodian, and its
 * provenance — the backward trace (every event of the thing, of the cases
 * and pallets it travelled in while it was in them, and of what it was made
 * from), oldest first, at most RESOLVE_EVENTS_MAX. When the trace would be
 * larger, the events naming the thing, its lot and its current containers
 * are listed instead and `eventsTruncated` is set. Throws GS1 coded errors
 * for a malformed URI and APP_NOT_FOUND for an unknown one.
 */
export async function resolveDigitalLink(state: StateCache, uri: string, nowMs: number): Promise<ResolveAnswer> {
  parseDigitalLink(uri);
  const description = await describe(state, uri, nowMs);
  const sources = [
    description.key,
    ...(description.item ? [description.item.batchKey] : []),
    ...description.containers,
  ];
  let events: EventSummary[] = [];
  let truncated = false;
  if (description.kind !== "product") {
    try {
      const trace = await runTrace(state, description.key, "backward");
      events = trace.nodes;
      sources.push(...trace.epcs);
    } catch (error) {
      if (!isCityChainError(error) || error.code !== ErrorCode.EPCIS_TRACE_LIMIT_EXCEEDED) throw error;
      events = await directEvents(state, sources);
      truncated = true;
    }
  }
  if (events.length > RESOLVE_EVENTS_MAX) {
    events = events.slice(events.length - RESOLVE_EVENTS_MAX);
    truncated = true;
  }
  return { ...description, uri, events: events.map((event) => stepOf(event, sources)), eventsTruncated: truncated };
}
