import { parseDateTimeMs } from "./time.ts";
import type { EpcisEvent } from "./types.ts";

/**
 * The one deterministic order of events used by queries and traces:
 * eventTime (as an instant), then eventID (events without one last), then
 * position in the input.
 */
export function compareEvents(
  a: { event: EpcisEvent; index: number },
  b: { event: EpcisEvent; index: number },
): number {
  const ta = parseDateTimeMs(a.event.eventTime) ?? Number.MAX_SAFE_INTEGER;
  const tb = parseDateTimeMs(b.event.eventTime) ?? Number.MAX_SAFE_INTEGER;
  if (ta !== tb) return ta - tb;
  const ia = a.event.eventID;
  const ib = b.event.eventID;
  if (ia !== ib) {
    if (ia === undefined) return 1;
    if (ib === undefined) return -1;
    return ia < ib ? -1 : 1;
  }
  return a.index - b.index;
}
