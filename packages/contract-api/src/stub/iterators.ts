/**
 * Query iterators with Fabric's protocol: `await it.next()` gives
 * `{value, done: false}` and then `{done: true}`; `await it.close()` ends the
 * query. They are also async iterables (a convenience Fabric's own iterators
 * lack; Fabric makes the returned promise iterable instead, which
 * `queryPromise` does here too).
 */

/** One key and value of a state query (Fabric 2.5 gives exactly these two fields). */
export interface KV {
  key: string;
  value: Buffer;
}

/** A protobuf `Timestamp` as Fabric's history entries carry it. */
export interface HistoryTimestamp {
  seconds: number;
  nanos: number;
}

/** One past value of a key. */
export interface KeyModification {
  txId: string;
  value: Buffer;
  isDelete: boolean;
  timestamp: HistoryTimestamp;
}

/** A step of an iterator. */
export type NextResult<T> = { value: T; done: false } | { value?: undefined; done: true };

/** Produces the next item, or undefined at the end. */
export type ItemSource<T> = () => T | undefined;

/** The common part of state and history iterators. */
export class CommonIterator<T> implements AsyncIterable<T> {
  #source: ItemSource<T>;
  #closed = false;

  /** `source` yields the items; it is not called again after the end or `close`. */
  constructor(source: ItemSource<T>) {
    this.#source = source;
  }

  /** The next item. */
  async next(): Promise<NextResult<T>> {
    if (this.#closed) return { done: true };
    const value = this.#source();
    if (value === undefined) {
      this.#closed = true;
      return { done: true };
    }
    return { value, done: false };
  }

  /** Ends the query; later `next` calls report the end. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return iterate(this);
  }
}

/** Iterator over keys and values (range, partial composite key and rich queries). */
export class StateQueryIterator extends CommonIterator<KV> {}

/** Iterator over the past values of one key. */
export class HistoryQueryIterator extends CommonIterator<KeyModification> {}

/** An item source over an array. */
export function arraySource<T>(items: readonly T[]): ItemSource<T> {
  let index = 0;
  return () => (index < items.length ? items[index++] : undefined);
}

/** Pagination metadata, in Fabric's field order. */
export interface QueryResponseMetadata {
  bookmark: string;
  fetchedRecordsCount: number;
}

/** A page of a paginated query. */
export interface StateQueryResponse<T> {
  iterator: T;
  metadata: QueryResponseMetadata;
}

/** What the stub's query calls return: a promise that can also be walked with `for await`. */
export type QueryPromise<T, V> = Promise<T> & AsyncIterable<V>;

/**
 * Makes `promise` (of an iterator, or of a page holding one) iterable with
 * `for await`: the loop walks the iterator and closes it at the end or on
 * `break`, as Fabric's shim does.
 */
export function queryPromise<T extends CommonIterator<V> | StateQueryResponse<CommonIterator<V>>, V>(
  promise: Promise<T>,
): QueryPromise<T, V> {
  const iterable = promise as QueryPromise<T, V>;
  iterable[Symbol.asyncIterator] = () => {
    let iterator: CommonIterator<V> | undefined;
    return {
      next: async () => {
        if (!iterator) {
          const resolved = await promise;
          iterator = resolved instanceof CommonIterator ? resolved : resolved.iterator;
        }
        const result = await iterator.next();
        if (result.done) await iterator.close();
        return result as IteratorResult<V>;
      },
      return: async () => {
        await iterator?.close();
        return { done: true, value: undefined };
      },
    };
  };
  return iterable;
}

function iterate<T>(iterator: CommonIterator<T>): AsyncIterator<T> {
  return {
    next: async () => (await iterator.next()) as IteratorResult<T>,
    return: async () => {
      await iterator.close();
      return { done: true, value: undefined };
    },
  };
}
