/**
 * A bounded least-recently-used map. Relies on Map keeping insertion order:
 * a hit is re-inserted at the end, so the first key is always the oldest.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly entriesMax: number) {
    if (!(entriesMax >= 1)) throw new RangeError(`LruCache needs entriesMax >= 1, got ${entriesMax}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.entriesMax) {
      const oldest = this.map.keys().next().value as K;
      this.map.delete(oldest);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
