import type { ChaincodeStub } from "@citychain/contract-api";

/** One entry of a composite-key range: its attributes and its JSON value. */
export interface RangeEntry<T> {
  key: string;
  attributes: string[];
  value: T;
}

/** One page of a range and the key to continue from ("" at the end). */
export interface RangePage<T> {
  entries: Array<RangeEntry<T>>;
  bookmark: string;
}

/**
 * The JSON records one transaction reads and writes. Reads are answered
 * from the transaction's own pending writes first; writes are held and sent
 * to the host once, in `flush` (the contracts' `afterTransaction`), so a
 * key updated by several events of one capture costs one write. Every `get`
 * returns a fresh copy: changing it changes nothing until `put`.
 */
export class StateCache {
  readonly #stub: ChaincodeStub;
  /** Raw JSON text per key read or written; undefined: the key has no value. */
  readonly #values = new Map<string, string | undefined>();
  /** Keys to write, in the order they were first changed. */
  readonly #dirty = new Set<string>();

  constructor(stub: ChaincodeStub) {
    this.#stub = stub;
  }

  /** The record under `key`, or undefined. */
  async get<T>(key: string): Promise<T | undefined> {
    if (!this.#values.has(key)) {
      const bytes = await this.#stub.getState(key);
      this.#values.set(key, bytes.length === 0 ? undefined : new TextDecoder().decode(bytes));
    }
    const text = this.#values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** Sets the record under `key` (written at flush). */
  put(key: string, value: unknown): void {
    this.#values.set(key, JSON.stringify(value));
    this.#dirty.add(key);
  }

  /** Deletes `key` (at flush). */
  delete(key: string): void {
    this.#values.set(key, undefined);
    this.#dirty.add(key);
  }

  /** Keys this transaction will write (for tests and limits). */
  get pendingWrites(): number {
    return this.#dirty.size;
  }

  /** Sends pending writes to the host, in first-change order. */
  async flush(): Promise<void> {
    for (const key of this.#dirty) {
      const text = this.#values.get(key);
      if (text === undefined) await this.#stub.deleteState(key);
      else await this.#stub.putState(key, text);
    }
    this.#dirty.clear();
  }

  /**
   * One page of the composite keys `objectType` + `attributes`, starting at
   * `bookmark` (a key of that range, or "" for its start). Pending writes
   * are flushed first, because the host merges a transaction's own writes
   * into ranges and this cache does not.
   */
  async page<T>(objectType: string, attributes: string[], pageSize: number, bookmark = ""): Promise<RangePage<T>> {
    await this.flush();
    const { iterator, metadata } = await this.#stub.getStateByPartialCompositeKeyWithPagination(
      objectType,
      attributes,
      pageSize,
      bookmark,
    );
    const entries: Array<RangeEntry<T>> = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const { key, value } = next.value;
      const text = new TextDecoder().decode(value);
      entries.push({ key, attributes: this.#stub.splitCompositeKey(key).attributes, value: JSON.parse(text) as T });
    }
    await iterator.close();
    return { entries, bookmark: metadata.bookmark };
  }

  /** The composite key of `objectType` and `attributes`. */
  key(objectType: string, attributes: string[]): string {
    return this.#stub.createCompositeKey(objectType, attributes);
  }
}
