/**
 * Serialises the paths that commit blocks (consensus decisions and block
 * sync): each runs its check-execute-commit step alone, so two paths can
 * never commit the same height twice or out of order.
 */
export class CommitGate {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.tail.then(step, step);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
