/** A set that forgets its oldest entries beyond a fixed size. */
export class BoundedSet {
  private readonly items = new Set<string>();

  constructor(readonly sizeMax: number) {}

  add(key: string): void {
    if (this.items.has(key)) return;
    this.items.add(key);
    if (this.items.size > this.sizeMax) {
      const oldest = this.items.values().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  delete(key: string): void {
    this.items.delete(key);
  }

  get size(): number {
    return this.items.size;
  }
}

/** A map that forgets its oldest entries beyond a fixed size. */
export class BoundedMap<V> {
  private readonly items = new Map<string, V>();

  constructor(readonly sizeMax: number) {}

  set(key: string, value: V): void {
    if (this.items.has(key)) this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.sizeMax) {
      const oldest = this.items.keys().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
  }

  get(key: string): V | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  delete(key: string): void {
    this.items.delete(key);
  }
}
