import { codedError } from "./errors.ts";

/**
 * Globals a contract must not have: weak references and finalizers make
 * garbage collection observable, shared memory and `Atomics.wait` can block,
 * WebAssembly is a second code generator, and the context's own `console`
 * writes to the node's stdout. (`process`, timers and I/O are Node's, never in
 * a fresh context.)
 */
const REMOVED = ["WeakRef", "FinalizationRegistry", "SharedArrayBuffer", "Atomics", "WebAssembly", "console"];

/** Timers are stubs with a clear error: nothing may run after the transaction, and time is the block's. */
const TIMERS = ["setTimeout", "setInterval", "setImmediate"];
const TIMER_CLEARS = ["clearTimeout", "clearInterval", "clearImmediate"];

function defineGlobal(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}

export function shapeGlobals(apiUnavailableCode: string): void {
  for (const name of REMOVED) Reflect.deleteProperty(globalThis, name);
  for (const name of TIMERS) {
    defineGlobal(
      name,
      {
        [name](): never {
          throw codedError(
            apiUnavailableCode,
            `${name} is not available in a contract: nothing runs after the transaction, and the only clock is the block time (Date.now()); await promises instead`,
          );
        },
      }[name],
    );
  }
  for (const name of TIMER_CLEARS) defineGlobal(name, { [name](): void {} }[name]);
  // With the realm's microtasks run at the end of each evaluation,
  // queueMicrotask is as deterministic as a resolved promise, which it is.
  defineGlobal("queueMicrotask", function queueMicrotask(callback: () => void): void {
    if (typeof callback !== "function") throw new TypeError("queueMicrotask needs a function");
    Promise.resolve().then(() => callback());
  });
  defineGlobal("global", globalThis);
}
