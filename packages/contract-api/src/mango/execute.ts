/**
 * Evaluation of a rich query by scanning keys through the host: there is no
 * index, so every key (simple and composite, as CouchDB holds both as
 * documents) is read in key order, values that are not JSON objects are
 * skipped (CouchDB stores them as attachments, which selectors never match),
 * and the rest are matched with the selector. The document seen by the
 * selector and by `sort` has `_id` set to its key, as in CouchDB.
 *
 * A query without `sort` stops scanning once it has the results it needs; a
 * sorted query must see every match. Either way the scan is bounded by
 * `QUERY_SCAN_KEYS_MAX`.
 */

import { ContractApiError, ContractErrorCode } from "../errors.ts";
import type { HostKeyValue } from "../host.ts";
import { QUERY_SCAN_BATCH_KEYS, QUERY_SCAN_KEYS_MAX } from "../limits.ts";
import { collate, compareKeys } from "./collate.ts";
import { getField } from "./field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.ts";
import { matchesSelector } from "./match.ts";
import { projectFields, stringifySorted } from "./project.ts";
import type { MangoQuery, SortField } from "./query.ts";

/** Reads up to `limit` entries with keys `>= startKey`, in key order. */
export type ScanFunction = (startKey: string, limit: number) => HostKeyValue[];

/** Which slice of the results to return: the query's own `limit`, or a page. */
export type ResultWindow = { kind: "all" } | { kind: "page"; offset: number; pageSize: number };

/** One result: the key and the value bytes to return. */
export interface QueryHit {
  key: string;
  value: Uint8Array;
}

interface Candidate {
  key: string;
  view: JsonObject;
  doc: JsonObject;
  bytes: Uint8Array;
}

/** The results of `query` over the keys `scan` reads. */
export function executeQuery(query: MangoQuery, scan: ScanFunction, window: ResultWindow): QueryHit[] {
  const first = query.skip + (window.kind === "page" ? window.offset : 0);
  const count = window.kind === "page" ? window.pageSize : query.limit;
  const enough = query.sort.length > 0 || count === undefined ? Number.POSITIVE_INFINITY : first + count;
  const candidates = scanMatches(query, scan, enough);
  const ordered = query.sort.length > 0 ? sortCandidates(candidates, query.sort) : candidates;
  const selected = ordered.slice(first, count === undefined ? undefined : first + count);
  return selected.map((candidate) => ({ key: candidate.key, value: resultBytes(candidate, query) }));
}

function scanMatches(query: MangoQuery, scan: ScanFunction, enough: number): Candidate[] {
  const matches: Candidate[] = [];
  let scanned = 0;
  let startKey = "";
  while (matches.length < enough) {
    // One more than the bound, so a key beyond it is seen and reported.
    const batchLimit = Math.min(QUERY_SCAN_BATCH_KEYS, QUERY_SCAN_KEYS_MAX + 1 - scanned);
    const batch = scan(startKey, batchLimit);
    for (const entry of batch) {
      scanned++;
      if (scanned > QUERY_SCAN_KEYS_MAX) throw scanLimitError();
      const candidate = candidateOf(entry);
      if (candidate && matchesSelector(query.selector, candidate.view)) matches.push(candidate);
      if (matches.length >= enough) break;
    }
    if (batch.length < batchLimit) break;
    // The smallest key after the last one read.
    startKey = `${batch[batch.length - 1].key}\u0000`;
  }
  return matches;
}

function candidateOf(entry: HostKeyValue): Candidate | undefined {
  const bytes = Buffer.from(entry.value);
  let doc: JsonValue;
  try {
    doc = JSON.parse(bytes.toString("utf8")) as JsonValue;
  } catch {
    return undefined;
  }
  if (!isJsonObject(doc)) return undefined;
  return { key: entry.key, view: { ...doc, _id: entry.key }, doc, bytes };
}

// Documents lacking a sort field are left out, as a CouchDB index on that field would leave them out.
function sortCandidates(candidates: Candidate[], sort: SortField[]): Candidate[] {
  const direction = sort[0].descending ? -1 : 1;
  const keyed = candidates
    .map((candidate) => ({ candidate, values: sort.map((field) => getField(candidate.view, field.path)) }))
    .filter((entry) => entry.values.every((lookup) => lookup.found));
  keyed.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const left = a.values[i];
      const right = b.values[i];
      if (left.found && right.found) {
        const order = collate(left.value, right.value);
        if (order !== 0) return order * direction;
      }
    }
    return compareKeys(a.candidate.key, b.candidate.key) * direction;
  });
  return keyed.map((entry) => entry.candidate);
}

function resultBytes(candidate: Candidate, query: MangoQuery): Uint8Array {
  if (!query.fields) return candidate.bytes;
  return Buffer.from(stringifySorted(projectFields(candidate.doc, query.fields)), "utf8");
}

function scanLimitError(): ContractApiError {
  return new ContractApiError(
    ContractErrorCode.CONTRACT_QUERY_LIMIT,
    `rich query would scan more than ${QUERY_SCAN_KEYS_MAX} keys (QUERY_SCAN_KEYS_MAX): ` +
      "narrow it with a range or partial composite key query",
  );
}
