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
