/**
 * Subscribers to one event. A subscriber that throws is our own bug, not the
 * peer's fault: it is reported to onError and the others still run.
 */
export class Listeners<A extends unknown[]> {
  private readonly handlers: ((...args: A) => void)[] = [];

  constructor(private readonly onError: (e: unknown) => void) {}

  /** Adds a handler; returns a function that removes it. */
  add(handler: (...args: A) => void): () => void {
    this.handlers.push(handler);
    return () => {
      const i = this.handlers.indexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  emit(...args: A): void {
    // A copy: a handler may unsubscribe while we iterate.
    for (const handler of [...this.handlers]) {
      try {
        handler(...args);
      } catch (e) {
        this.onError(e);
      }
    }
  }
}
