/**
 * Queries over a private data collection: range, partial composite key and
 * rich (Mango), with the shim's argument checks. Fabric's shim counts its
 * arguments; here a missing last argument gives the same message.
 */

import type { ContractHost } from "../host.ts";
import { partialCompositeKeyRange } from "./composite-key.ts";
import type { StateQueryIterator } from "./iterators.ts";
import { EMPTY_KEY_SUBSTITUTE, rangeBound, validateCollection } from "./keys.ts";
import { type RangeFunction, rangeIterator } from "./range.ts";
import { richQuery, scanOf } from "./rich-query.ts";

/** Private keys in `[startKey, endKey)`; an empty start skips the composite key namespace. */
export function privateDataByRange(
  host: ContractHost,
  collection: string,
  startKey: string,
  endKey: string,
): StateQueryIterator {
  if (endKey === undefined) {
    throw new Error("getPrivateDataByRange requires three arguments, collection, startKey and endKey");
  }
  validateCollection(collection);
  const start = rangeBound(startKey, "startKey") || EMPTY_KEY_SUBSTITUTE;
  return rangeIterator(privateRange(host, collection), start, rangeBound(endKey, "endKey"));
}

/** Private composite keys that begin with `objectType` and `attributes`. */
export function privateDataByPartialCompositeKey(
  host: ContractHost,
  collection: string,
  objectType: string,
  attributes: string[],
): StateQueryIterator {
  if (attributes === undefined) {
    throw new Error(
      "getPrivateDataByPartialCompositeKey requires three arguments, collection, objectType and attributes",
    );
  }
  validateCollection(collection);
  const [start, end] = partialCompositeKeyRange(objectType, attributes);
  return rangeIterator(privateRange(host, collection), start, end);
}

/** A rich (Mango) query over the collection. */
export function privateDataQueryResult(host: ContractHost, collection: string, query: string): StateQueryIterator {
  if (query === undefined) throw new Error("getPrivateDataQueryResult requires two arguments, collection and query");
  validateCollection(collection);
  return richQuery(scanOf(privateRange(host, collection)), query);
}

function privateRange(host: ContractHost, collection: string): RangeFunction {
  return (startKey, endKey, limit) => host.getPrivateDataRange(collection, startKey, endKey, limit);
}
