import { ErrorCode } from "@citychain/protocol";
import { type TraceEdge, traceEpc } from "../../epcis/trace.ts";
import type { EpcisEvent } from "../../epcis/types.ts";
import { epcCanonicalKey } from "../../gs1/epc-key.ts";
import { TRACE_EVENTS_FETCH_MAX, TRACE_KEYS_MAX } from "../limits.ts";
import { appError } from "../shared/errors.ts";
import { KeyType } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";
import { loadEvent, readIndex } from "./event-index.ts";
import { type EventSummary, type StoredEvent, skeletonOf, summaryOf } from "./stored-event.ts";

/** A trace: events in time order (each with its transaction, for its proof), edges between them, identifiers reached. */
export interface TraceAnswer {
  epc: string;
  direction: "backward" | "forward";
  nodes: EventSummary[];
  edges: TraceEdge[];
  epcs: string[];
}

/** An identifier to fetch; `upOnly` when reached from a child, so its other contents are not followed. */
interface Pending {
  key: string;
  upOnly: boolean;
}

function limit(what: string, max: number, epc: string): Error {
  return appError(
    ErrorCode.EPCIS_TRACE_LIMIT_EXCEEDED,
    `tracing ${epc} needs more than ${max} ${what}; trace a smaller unit (an item or a case) or query events by page`,
  );
}

/**
 * Reads the events a trace can reach, following the same links as the
 * library's `traceEpc` (containment down from a parent, up from a child,
 * transformations in the trace's direction), bounded by
 * TRACE_EVENTS_FETCH_MAX events and TRACE_KEYS_MAX identifiers.
 */
async function fetchReachable(state: StateCache, start: string, forward: boolean): Promise<Map<string, StoredEvent>> {
  const events = new Map<string, StoredEvent>();
  const queued = new Map<string, boolean>([[start, false]]);
  const queue: Pending[] = [{ key: start, upOnly: false }];
  const push = (key: string, upOnly: boolean) => {
    if (queued.get(key) === false || queued.get(key) === upOnly) return;
    if (queued.size >= TRACE_KEYS_MAX && !queued.has(key)) throw limit("identifiers", TRACE_KEYS_MAX, start);
    queued.set(key, upOnly);
    queue.push({ key, upOnly });
  };
  for (let q = 0; q < queue.length; q++) {
    const { key, upOnly } = queue[q];
    let from: { time: string; hashHex?: string } | undefined;
    do {
      const page = await readIndex(state, { type: KeyType.byEpc, attributes: [key] }, from, 200);
      for (const entry of page.entries) {
        let stored = events.get(entry.hashHex);
        if (stored === undefined) {
          if (events.size >= TRACE_EVENTS_FETCH_MAX) throw limit("events", TRACE_EVENTS_FETCH_MAX, start);
          stored = (await loadEvent(state, entry.hashHex)) as StoredEvent;
          events.set(entry.hashHex, stored);
        }
        const { parentID, childEPCs, inputEPCList, outputEPCList } = stored.epcs;
        if (parentID[0] === key && !upOnly) for (const child of childEPCs) push(child, false);
        if (childEPCs.includes(key) && parentID[0] !== undefined) push(parentID[0], true);
        const [fromList, toList] = forward ? [inputEPCList, outputEPCList] : [outputEPCList, inputEPCList];
        if (fromList.includes(key)) for (const next of toList) push(next, false);
      }
      from = page.next;
    } while (from !== undefined);
  }
  return events;
}

/** Backward or forward trace of an item, lot or logistic unit through the events on chain. */
export async function runTrace(state: StateCache, epc: string, direction: string): Promise<TraceAnswer> {
  if (direction !== "backward" && direction !== "forward") {
    throw appError(ErrorCode.APP_ARGS_INVALID, `direction must be "backward" or "forward", got "${direction}"`);
  }
  const start = epcCanonicalKey(epc);
  if (/^01\/\d{14}$/.test(start)) {
    throw appError(
      ErrorCode.APP_ARGS_INVALID,
      `${epc} names a whole GTIN; trace one item (with serial), one lot, or one logistic unit`,
    );
  }
  const fetched = await fetchReachable(state, start, direction === "forward");
  const byHash = new Map<EpcisEvent, StoredEvent>();
  const skeletons = [...fetched.values()].map((stored) => {
    const skeleton = skeletonOf(stored);
    byHash.set(skeleton, stored);
    return skeleton;
  });
  const graph = traceEpc(skeletons, start, { direction, maxNodes: TRACE_EVENTS_FETCH_MAX });
  const nodes = graph.nodes.map((node) => summaryOf(byHash.get(node) as StoredEvent));
  return { epc: start, direction, nodes, edges: graph.edges, epcs: graph.epcs };
}
