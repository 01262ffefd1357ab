/**
 * Range queries over the host, for public state and for collections alike.
 * A plain range is walked lazily in batches, so a loop that stops early reads
 * only what it used; a paginated range reads one page (plus one key, to know
 * the bookmark) up front, as Fabric's peer does. The bookmark of a page is
 * the first key after it, or "" when the range is exhausted (Fabric's LevelDB
 * behaviour).
 */

import { bufferFromHost } from "../bytes.ts";
import { ContractApiError, ContractErrorCode } from "../errors.ts";
import type { HostKeyValue } from "../host.ts";
import { RANGE_QUERY_BATCH_KEYS, RANGE_QUERY_KEYS_MAX } from "../limits.ts";
import { arraySource, type KV, StateQueryIterator, type StateQueryResponse } from "./iterators.ts";

/** Reads up to `limit` entries with `startKey <= key < endKey` ("" means no upper bound). */
export type RangeFunction = (startKey: string, endKey: string, limit: number) => HostKeyValue[];

/** An iterator over `[startKey, endKey)`, fetching batches as it goes. */
export function rangeIterator(fetch: RangeFunction, startKey: string, endKey: string): StateQueryIterator {
  let batch: HostKeyValue[] = [];
  let index = 0;
  let nextStart = startKey;
  let exhausted = false;
  let returned = 0;
  return new StateQueryIterator(() => {
    if (index >= batch.length) {
      if (exhausted) return undefined;
      batch = fetch(nextStart, endKey, RANGE_QUERY_BATCH_KEYS);
      index = 0;
      exhausted = batch.length < RANGE_QUERY_BATCH_KEYS;
      if (batch.length === 0) return undefined;
      // The smallest key after the last one fetched.
      nextStart = `${batch[batch.length - 1].key}\u0000`;
    }
    if (returned === RANGE_QUERY_KEYS_MAX) {
      throw new ContractApiError(
        ContractErrorCode.CONTRACT_QUERY_LIMIT,
        `range query returned more than ${RANGE_QUERY_KEYS_MAX} keys (RANGE_QUERY_KEYS_MAX): narrow the range or paginate`,
      );
    }
    returned++;
    return kvFromHost(batch[index++]);
  });
}

/** One page of `[startKey, endKey)`, starting at `bookmark` when it is not empty. */
export function rangePage(
  fetch: RangeFunction,
  startKey: string,
  endKey: string,
  pageSize: unknown,
  bookmark: unknown,
): StateQueryResponse<StateQueryIterator> {
  const size = checkPageSize(pageSize);
  const start = typeof bookmark === "string" && bookmark !== "" ? bookmark : startKey;
  const entries = fetch(start, endKey, size + 1);
  const page = entries.slice(0, size).map(kvFromHost);
  return {
    iterator: new StateQueryIterator(arraySource(page)),
    metadata: { bookmark: entries.length > size ? entries[size].key : "", fetchedRecordsCount: page.length },
  };
}

/**
 * The page size as a number: a positive integer (a numeric string is
 * accepted, as Fabric's protobuf encoding accepts it), at most
 * `RANGE_QUERY_KEYS_MAX`.
 */
export function checkPageSize(pageSize: unknown): number {
  const size = typeof pageSize === "string" && pageSize.trim() !== "" ? Number(pageSize) : pageSize;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1) {
    throw new ContractApiError(ContractErrorCode.CONTRACT_QUERY_INVALID, "pageSize must be a positive integer");
  }
  if (size > RANGE_QUERY_KEYS_MAX) {
    throw new ContractApiError(
      ContractErrorCode.CONTRACT_QUERY_LIMIT,
      `pageSize ${size} is above ${RANGE_QUERY_KEYS_MAX} (RANGE_QUERY_KEYS_MAX)`,
    );
  }
  return size;
}

/** A host entry as Fabric's `{key, value}`, the value copied into this realm. */
export function kvFromHost(entry: HostKeyValue): KV {
  return { key: entry.key, value: bufferFromHost(entry.value) };
}
