import { format } from "./format.ts";

/**
 * What `require("util")` gives a contract: a small deterministic subset of
 * Node's `util` (`format`, `inherits`, `promisify`, `deprecate` without the
 * warning, `TextEncoder`, `TextDecoder`). No `inspect`, `types` or anything
 * that reads the process.
 */
export function createUtilModule(codecs: { TextEncoder: unknown; TextDecoder: unknown }): Record<string, unknown> {
  const custom = Symbol.for("nodejs.util.promisify.custom");
  type Callback = (error: unknown, value?: unknown) => void;
  type NodeStyle = (...args: unknown[]) => void;

  function promisify(original: NodeStyle): (...args: unknown[]) => Promise<unknown> {
    if (typeof original !== "function") throw new TypeError('The "original" argument must be of type function');
    const own = (original as unknown as Record<symbol, unknown>)[custom];
    if (typeof own === "function") return own as (...args: unknown[]) => Promise<unknown>;
    return function (this: unknown, ...args: unknown[]): Promise<unknown> {
      return new Promise((resolve, reject) => {
        const callback: Callback = (error, value) => (error ? reject(error) : resolve(value));
        Reflect.apply(original, this, [...args, callback]);
      });
    };
  }
  Object.defineProperty(promisify, "custom", { value: custom });

  function inherits(ctor: { prototype: object }, superCtor: { prototype: object }): void {
    Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }

  function deprecate<T>(fn: T): T {
    return fn;
  }

  return { format, inherits, promisify, deprecate, ...codecs };
}
