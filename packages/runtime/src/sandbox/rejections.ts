/**
 * Node tracks unhandled promise rejections for the whole isolate, contexts
 * included, and by default turns one into an uncaught exception that ends the
 * process. A contract's unhandled rejection (`Promise.reject()` that nobody
 * awaits) would then crash every validator. Such a rejection is not part of
 * an invocation's result, so the sandbox drops Node's `unhandledRejection`
 * and `rejectionHandled` events for promises that are not the main
 * context's; the host's own rejections are reported as before.
 */
let installed = false;

function isMainContextPromise(value: unknown): boolean {
  for (let o: unknown = value; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
    if (o === Promise.prototype) return true;
  }
  return false;
}

export function ignoreRealmRejections(): void {
  if (installed) return;
  installed = true;
  const emit = process.emit as (this: NodeJS.Process, event: string | symbol, ...args: unknown[]) => boolean;
  const filtered = function (this: NodeJS.Process, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "unhandledRejection" && !isMainContextPromise(args[1])) return true;
    if (event === "rejectionHandled" && !isMainContextPromise(args[0])) return true;
    return emit.call(this, event, ...args);
  };
  process.emit = filtered as typeof process.emit;
}
