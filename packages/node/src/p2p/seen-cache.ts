/**
 * Ids seen recently, forgetting the oldest beyond a fixed count: gossip
 * forwards an item only the first time its id is seen.
 */
export class SeenCache {
  private readonly ids = new Set<string>();

  constructor(readonly entriesMax: number) {}

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Records an id; true if it was new. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.entriesMax) {
      // A Set iterates in insertion order: the first value is the oldest.
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}
