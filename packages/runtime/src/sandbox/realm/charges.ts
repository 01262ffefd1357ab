/**
 * Bulk work done by builtins is charged to the budget before it happens, so
 * one call cannot allocate or scan without bound for one tick. A loop
 * iteration costs one tick; a builtin costs one tick per
 * `bulkElementsPerTick` elements (array slots, characters, bytes) it creates
 * or scans, computed from its arguments before it runs:
 *
 * - strings: `repeat`, `padStart`, `padEnd`, `concat` (by the length made);
 *   `split`, `replace`, `replaceAll` (by length, times a string replacement's
 *   length), `indexOf`, `lastIndexOf`, `includes`, `localeCompare`,
 *   `normalize`, `toUpperCase`, `toLowerCase` (by length);
 * - arrays and typed arrays: `concat`, `fill`, `join` (length times the
 *   separator), `slice`, `splice`, `flat` (outer length), `copyWithin`,
 *   `reverse`, `shift`, `unshift`, `indexOf`, `lastIndexOf`, `includes`,
 *   `sort`/`toSorted` (n log n without a comparator; a comparator ticks
 *   itself), `toReversed`, `toSpliced`, `with`, typed `set`; `Array.from`
 *   (array-likes and known collections); `Object.keys/values/entries` of
 *   arrays and strings;
 * - memory: `ArrayBuffer` and every typed-array constructor (bytes; this also
 *   covers `Buffer.alloc`, `Buffer.concat`, `slice` through species),
 *   `ArrayBuffer.prototype.resize`/`transfer`, `Map` and `Set` built from a
 *   collection;
 * - `Function.prototype.apply`, `Reflect.apply`, `Reflect.construct`: their
 *   argument count, which also counts as call depth while they run (as
 *   spread arguments do);
 * - JSON: `parse` by the text's length; `stringify` by the length of its
 *   result, after the fact (the output size is only known then; V8 caps a
 *   string at about 2^29 characters, so one call is bounded).
 *
 * `new Array(n)` is free: V8 makes a large one sparse and allocates nothing.
 * Known gaps, bounded only by the wall-clock backstop or the process's heap:
 * string concatenation with `+` (ropes; flattening one costs its length),
 * regular expressions (backtracking), BigInt arithmetic on huge operands,
 * `Object.keys`/`assign`/spread of plain objects with many properties where
 * not listed above, iteration of Map and Set iterators by spread, structures
 * nested deeply enough to overflow a builtin's recursion (`JSON.stringify`,
 * `flat(Infinity)`, `join` of nested arrays; a caught overflow still ends the
 * invocation with the depth code), and total memory held across many charged
 * allocations (the budget bounds it, about `bulkElementsPerTick` bytes per
 * tick, not a heap quota).
 */
import type { MeterControl } from "./meter.ts";

interface Call {
  self: unknown;
  args: unknown[];
}

type Cost = (call: Call) => number;

const apply = Reflect.apply;
const construct = Reflect.construct;

function toLength(value: unknown): number {
  const n = Math.trunc(+(value as number));
  return n > 0 ? Math.min(n, Number.MAX_SAFE_INTEGER) : 0;
}

function lengthOf(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "string") return value.length;
  if (typeof value !== "object" && typeof value !== "function") return 0;
  return toLength((value as { length?: unknown }).length);
}

function collectionSize(value: unknown): number {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof Map || value instanceof Set) return value.size;
  return 0;
}

/** `this` of a String.prototype method as a string, coerced once so the builtin does not coerce again. */
function selfString(call: Call, name: string): string {
  if (call.self === null || call.self === undefined) {
    throw new TypeError(`String.prototype.${name} called on null or undefined`);
  }
  const text = typeof call.self === "string" ? call.self : String(call.self);
  call.self = text;
  return text;
}

function wrapMethod(meter: MeterControl, target: object, name: string, cost: Cost): void {
  const original = (target as Record<string, unknown>)[name];
  if (typeof original !== "function") return;
  const charged = {
    [name](this: unknown, ...args: unknown[]): unknown {
      const call: Call = { self: this, args };
      meter.chargeElements(cost(call));
      return apply(original, call.self, call.args);
    },
  }[name];
  Object.defineProperty(charged, "length", { value: original.length });
  Object.defineProperty(target, name, { value: charged, writable: true, configurable: true });
}

/**
 * Replaces the global constructor `name` by a charging one that shares its
 * prototype (so `instanceof`, subclasses and species lookups keep working,
 * and species-created copies are charged too).
 */
function wrapConstructor(meter: MeterControl, name: string, cost: (args: unknown[]) => number): void {
  const global = globalThis as unknown as Record<string, unknown>;
  const Original = global[name] as new (...args: unknown[]) => unknown;
  const Charged = function (this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return apply(Original as unknown as () => unknown, this, args);
    meter.chargeElements(cost(args));
    return construct(Original, args, new.target === Charged ? Original : new.target);
  };
  for (const key of Reflect.ownKeys(Original)) {
    if (key === "prototype") continue;
    Object.defineProperty(Charged, key, Object.getOwnPropertyDescriptor(Original, key) as PropertyDescriptor);
  }
  Object.defineProperty(Charged, "prototype", { value: Original.prototype });
  Object.setPrototypeOf(Charged, Object.getPrototypeOf(Original));
  Object.defineProperty(Original.prototype, "constructor", { value: Charged, writable: true, configurable: true });
  Object.defineProperty(globalThis, name, { value: Charged, writable: true, configurable: true });
}

const TYPED_ARRAYS = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
] as const;

function chargeStrings(meter: MeterControl): void {
  const proto = String.prototype;
  const length =
    (name: string): Cost =>
    (call) =>
      selfString(call, name).length;
  for (const name of [
    "split",
    "indexOf",
    "lastIndexOf",
    "includes",
    "localeCompare",
    "normalize",
    "toUpperCase",
    "toLowerCase",
  ]) {
    wrapMethod(meter, proto, name, length(name));
  }
  wrapMethod(meter, proto, "repeat", (call) => {
    const text = selfString(call, "repeat");
    const count = Math.trunc(+(call.args[0] as number)) || 0;
    call.args[0] = count;
    return count >= 0 && count !== Number.POSITIVE_INFINITY ? text.length * count : 0;
  });
  for (const name of ["padStart", "padEnd"]) {
    wrapMethod(meter, proto, name, (call) => {
      const text = selfString(call, name);
      const target = toLength(call.args[0]);
      call.args[0] = target;
      return Math.max(0, target - text.length);
    });
  }
  wrapMethod(meter, proto, "concat", (call) => {
    let total = selfString(call, "concat").length;
    call.args = call.args.map((arg) => {
      const text = String(arg);
      total += text.length;
      return text;
    });
    return total;
  });
  for (const name of ["replace", "replaceAll"]) {
    wrapMethod(meter, proto, name, (call) => {
      const text = selfString(call, name);
      const replacement = call.args[1];
      return text.length * (typeof replacement === "string" ? Math.max(1, replacement.length) : 1);
    });
  }
}

function sortCost(call: Call, length: number): number {
  return call.args[0] === undefined ? length * Math.max(1, Math.ceil(Math.log2(length + 1))) : length;
}

function chargeArrays(meter: MeterControl): void {
  const linear: Cost = (call) => lengthOf(call.self);
  const typedLength: Cost = (call) => (ArrayBuffer.isView(call.self) ? lengthOf(call.self) : 0);
  const typedProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
  const linearNames = [
    "fill",
    "slice",
    "copyWithin",
    "reverse",
    "indexOf",
    "lastIndexOf",
    "includes",
    "toReversed",
    "with",
  ];
  for (const name of [...linearNames, "splice", "flat", "shift", "unshift", "toSpliced"]) {
    wrapMethod(meter, Array.prototype, name, linear);
  }
  for (const name of linearNames) wrapMethod(meter, typedProto, name, typedLength);
  const join =
    (length: Cost): Cost =>
    (call) => {
      const separator = call.args[0] === undefined ? "," : String(call.args[0]);
      call.args[0] = separator;
      return length(call) * (1 + separator.length);
    };
  wrapMethod(meter, Array.prototype, "join", join(linear));
  wrapMethod(meter, typedProto, "join", join(typedLength));
  for (const name of ["sort", "toSorted"]) {
    wrapMethod(meter, Array.prototype, name, (call) => sortCost(call, lengthOf(call.self)));
    wrapMethod(meter, typedProto, name, (call) => sortCost(call, typedLength(call)));
  }
  wrapMethod(meter, typedProto, "set", (call) => lengthOf(call.args[0]));
  wrapMethod(meter, Array.prototype, "concat", (call) => {
    let total = lengthOf(call.self);
    for (const item of call.args) total += Array.isArray(item) ? item.length : 1;
    return total;
  });
  wrapMethod(meter, Array, "from", (call) => {
    const items = call.args[0];
    const known = collectionSize(items);
    if (known > 0 || items === null || typeof items !== "object") return known;
    return (items as { [Symbol.iterator]?: unknown })[Symbol.iterator] == null ? lengthOf(items) : 0;
  });
  for (const name of ["keys", "values", "entries"]) {
    wrapMethod(meter, Object, name, (call) => collectionSize(call.args[0]));
  }
}

function chargeMemory(meter: MeterControl): void {
  wrapConstructor(meter, "ArrayBuffer", (args) => toLength(args[0]));
  const bufferProto = ArrayBuffer.prototype;
  wrapMethod(meter, bufferProto, "resize", (call) => toLength(call.args[0]));
  for (const name of ["transfer", "transferToFixedLength"]) {
    wrapMethod(meter, bufferProto, name, (call) =>
      call.args[0] === undefined ? (call.self as ArrayBuffer).byteLength : toLength(call.args[0]),
    );
  }
  for (const name of TYPED_ARRAYS) {
    const bytesPerElement = (globalThis as unknown as Record<string, { BYTES_PER_ELEMENT: number }>)[name]
      .BYTES_PER_ELEMENT;
    wrapConstructor(meter, name, (args) => {
      const source = args[0];
      if (typeof source !== "object" || source === null) return toLength(source) * bytesPerElement;
      if (source instanceof ArrayBuffer) return 0; // a view, no copy
      return lengthOf(source) * bytesPerElement;
    });
  }
  for (const name of ["Map", "Set"]) wrapConstructor(meter, name, (args) => collectionSize(args[0]));
}

function chargeCalls(meter: MeterControl): void {
  const originalApply = Function.prototype.apply;
  const chargedApply = {
    apply(this: unknown, thisArg: unknown, args?: unknown): unknown {
      return meter.withArguments(lengthOf(args), () => apply(originalApply, this, [thisArg, args]));
    },
  }.apply;
  Object.defineProperty(Function.prototype, "apply", { value: chargedApply, writable: true, configurable: true });
  const reflect = Reflect as unknown as Record<string, unknown>;
  reflect.apply = {
    apply(target: (...a: unknown[]) => unknown, thisArg: unknown, args: ArrayLike<unknown>): unknown {
      return meter.withArguments(lengthOf(args), () => apply(target, thisArg, args));
    },
  }.apply;
  reflect.construct = {
    construct(target: new (...a: unknown[]) => unknown, args: ArrayLike<unknown>, newTarget?: unknown): unknown {
      return meter.withArguments(lengthOf(args), () =>
        newTarget === undefined ? construct(target, args) : construct(target, args, newTarget as typeof target),
      );
    },
  }.construct;
}

function chargeJson(meter: MeterControl): void {
  wrapMethod(meter, JSON, "parse", (call) => {
    const text = String(call.args[0]);
    call.args[0] = text;
    return text.length;
  });
  const stringify = JSON.stringify;
  const chargedStringify = {
    stringify(this: unknown, ...args: unknown[]): string | undefined {
      const text = apply(stringify, this, args) as string | undefined;
      meter.chargeElements(text === undefined ? 0 : text.length);
      return text;
    },
  }.stringify;
  Object.defineProperty(chargedStringify, "length", { value: 3 });
  Object.defineProperty(JSON, "stringify", { value: chargedStringify, writable: true, configurable: true });
}

/** Installs every charge listed above. Call before any library captures a builtin. */
export function installCharges(meter: MeterControl): void {
  chargeStrings(meter);
  chargeArrays(meter);
  chargeMemory(meter);
  chargeCalls(meter);
  chargeJson(meter);
}
