import { eventEpcKeys } from "./event-epcs.ts";
import type { EpcisEvent } from "./types.ts";

/** A child inside a parent from the event at position `start` to the one at `end` (inclusive). */
export interface ContainmentWindow {
  parent: string;
  child: string;
  start: number;
  end: number;
}

/**
 * Aggregation over time (EPCIS 2.0 section 7.4.3): ADD (or OBSERVE of an
 * aggregation not yet known) puts children in a parent, DELETE takes the
 * listed children out, or all of them when none are listed. Association
 * events are read the same way (a sensor or part travelling with its
 * parent). Events must be in time order; windows still open at the end last
 * to the last position.
 */
export function containmentWindows(sorted: readonly EpcisEvent[]): ContainmentWindow[] {
  const open = new Map<string, Map<string, number>>();
  const out: ContainmentWindow[] = [];
  const close = (parent: string, child: string, at: number) => {
    const start = open.get(parent)?.get(child);
    if (start === undefined) return;
    out.push({ parent, child, start, end: at });
    open.get(parent)?.delete(child);
  };
  sorted.forEach((event, q) => {
    if (event.type !== "AggregationEvent" && event.type !== "AssociationEvent") return;
    const keys = eventEpcKeys(event);
    const parent = keys.parentID[0];
    if (parent === undefined) return;
    if (event.action === "DELETE") {
      const children = keys.childEPCs.length > 0 ? keys.childEPCs : [...(open.get(parent)?.keys() ?? [])];
      for (const child of children) close(parent, child, q);
      return;
    }
    const children = open.get(parent) ?? new Map<string, number>();
    open.set(parent, children);
    for (const child of keys.childEPCs) if (!children.has(child)) children.set(child, q);
  });
  const last = sorted.length - 1;
  for (const [parent, children] of open)
    for (const [child, start] of children) out.push({ parent, child, start, end: last });
  return out;
}
