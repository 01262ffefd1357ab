import { epcCanonicalKey } from "../../gs1/epc-key.ts";
import { KeyType, timeKeyPart } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";
import { allEpcKeys, hashHexOf, type StoredEvent } from "./stored-event.ts";

/** An index an event query can scan: its key type and the fixed attributes before [time, hash]. */
export interface IndexRange {
  type: string;
  attributes: string[];
}

export function eventKey(state: StateCache, hashHex: string): string {
  return state.key(KeyType.event, [hashHex]);
}

export function loadEvent(state: StateCache, hashHex: string): Promise<StoredEvent | undefined> {
  return state.get<StoredEvent>(eventKey(state, hashHex));
}

/** Canonical key of a location identifier (SGLN URN and Digital Link /414/ meet). */
export function locationKey(id: string): string {
  return epcCanonicalKey(id);
}

/** The index ranges an event appears in: by each identifier, step, disposition, locations, and time. */
export function indexRangesOf(stored: StoredEvent): IndexRange[] {
  const ranges: IndexRange[] = allEpcKeys(stored.epcs).map((key) => ({ type: KeyType.byEpc, attributes: [key] }));
  if (stored.bizStep !== null) ranges.push({ type: KeyType.byStep, attributes: [stored.bizStep] });
  if (stored.disposition !== null) ranges.push({ type: KeyType.byDisposition, attributes: [stored.disposition] });
  if (stored.bizLocation !== null) {
    ranges.push({ type: KeyType.byBizLocation, attributes: [locationKey(stored.bizLocation)] });
  }
  if (stored.readPoint !== null)
    ranges.push({ type: KeyType.byReadPoint, attributes: [locationKey(stored.readPoint)] });
  ranges.push({ type: KeyType.byTime, attributes: [] });
  return ranges;
}

/** Writes the event and its index entries (one key each; the value is a placeholder, the key says it all). */
export function saveEvent(state: StateCache, stored: StoredEvent): void {
  const hex = hashHexOf(stored.hash);
  state.put(eventKey(state, hex), stored);
  const tail = [timeKeyPart(stored.eventTimeMs), hex];
  for (const range of indexRangesOf(stored)) state.put(state.key(range.type, [...range.attributes, ...tail]), 1);
}

/** One index entry: the event's time key part and hash digest. */
export interface IndexEntry {
  time: string;
  hashHex: string;
}

/** One page of index entries and where the next one starts (undefined at the end). */
export interface IndexPage {
  entries: IndexEntry[];
  next: IndexEntry | undefined;
}

/**
 * Reads up to `limit` entries of an index range in time order, starting at
 * `from` (an entry, or just a time part). The start is passed to the range
 * read as its bookmark: a Fabric range bookmark is the key to resume from
 * (CityChain's, as LevelDB's), so a composite key built from the range's
 * attributes and the start time seeks straight to it.
 */
export async function readIndex(
  state: StateCache,
  range: IndexRange,
  from: { time: string; hashHex?: string } | undefined,
  limit: number,
): Promise<IndexPage> {
  const start = from === undefined ? [] : from.hashHex === undefined ? [from.time] : [from.time, from.hashHex];
  const bookmark = start.length === 0 ? "" : state.key(range.type, [...range.attributes, ...start]);
  const page = await state.page<number>(range.type, range.attributes, limit + 1, bookmark);
  const fixed = range.attributes.length;
  const entries = page.entries.map((entry) => ({
    time: entry.attributes[fixed],
    hashHex: entry.attributes[fixed + 1],
  }));
  return { entries: entries.slice(0, limit), next: entries[limit] };
}
