/**
 * Rich (CouchDB Mango) queries over public state or a collection. Pagination
 * bookmarks are opaque strings naming the position after the page; unlike a
 * range bookmark, the one after the last page is not empty (CouchDB also
 * returns one), so a loop that stops on an empty page ends.
 */

import { ContractApiError, ContractErrorCode } from "../errors.ts";
import type { HostKeyValue } from "../host.ts";
import { executeQuery, type ScanFunction } from "../mango/execute.ts";
import { parseMangoQuery } from "../mango/query.ts";
import { arraySource, StateQueryIterator, type StateQueryResponse } from "./iterators.ts";
import { checkPageSize, kvFromHost } from "./range.ts";

const BOOKMARK_PREFIX = "citychain-offset:";

/** All results of `query` (its own `skip` and `limit` applied). */
export function richQuery(scan: ScanFunction, query: unknown): StateQueryIterator {
  const hits = executeQuery(parseMangoQuery(query), scan, { kind: "all" });
  return new StateQueryIterator(arraySource(hits.map(kvFromHost)));
}

/**
 * One page of `query`'s results. As in Fabric, the page size replaces the
 * query's `limit`; `skip` still applies before the first page.
 */
export function richQueryPage(
  scan: ScanFunction,
  query: unknown,
  pageSize: unknown,
  bookmark: unknown,
): StateQueryResponse<StateQueryIterator> {
  const size = checkPageSize(pageSize);
  const offset = offsetOf(bookmark);
  const hits = executeQuery(parseMangoQuery(query), scan, { kind: "page", offset, pageSize: size });
  return {
    iterator: new StateQueryIterator(arraySource(hits.map(kvFromHost))),
    metadata: { bookmark: `${BOOKMARK_PREFIX}${offset + hits.length}`, fetchedRecordsCount: hits.length },
  };
}

/** A scan over a range function, from `startKey` to the end of the key space. */
export function scanOf(fetch: (startKey: string, endKey: string, limit: number) => HostKeyValue[]): ScanFunction {
  return (startKey, limit) => fetch(startKey, "", limit);
}

function offsetOf(bookmark: unknown): number {
  if (bookmark === undefined || bookmark === null || bookmark === "") return 0;
  const text = typeof bookmark === "string" ? bookmark : "";
  const offset = text.startsWith(BOOKMARK_PREFIX) ? Number(text.slice(BOOKMARK_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ContractApiError(
      ContractErrorCode.CONTRACT_QUERY_INVALID,
      `invalid bookmark ${JSON.stringify(bookmark)}: pass "" or the bookmark of the previous page`,
    );
  }
  return offset;
}
