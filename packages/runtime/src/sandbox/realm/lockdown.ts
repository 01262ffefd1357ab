/**
 * "Lockdown-lite": freezes every intrinsic a contract can reach (each global
 * binding's value, the prototypes and accessors reachable from it, and the
 * hidden intrinsics such as generator and iterator prototypes), and makes the
 * global bindings of those intrinsics read-only. The global object itself
 * stays extensible: libraries may add their own globals.
 *
 * Freezing makes assignments that would shadow an inherited property fail
 * (the "override mistake": `this.name = "MyError"` in an Error subclass, or
 * `Foo.prototype.toString = ...`). As SES does, the commonly overridden
 * properties become accessors whose setter defines an own property on the
 * object assigned to, and refuses only on the intrinsic itself.
 */

const OVERRIDABLE: readonly (readonly [() => object, readonly (string | symbol)[]])[] = [
  [
    () => Object.prototype,
    ["constructor", "toString", "toLocaleString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"],
  ],
  [() => Function.prototype, ["constructor", "toString", "apply", "call", "bind"]],
  [() => Error.prototype, ["constructor", "name", "message", "toString"]],
  [() => Array.prototype, ["constructor", "toString", "push"]],
  [() => Promise.prototype, ["constructor", "then", "catch", "finally"]],
  [() => Date.prototype, ["constructor", "toString", "toJSON"]],
  [() => RegExp.prototype, ["constructor", "toString"]],
  [() => Map.prototype, ["constructor"]],
  [() => Set.prototype, ["constructor"]],
  [() => Object.getPrototypeOf(Uint8Array.prototype) as object, ["constructor", "toString"]],
  [() => Uint8Array.prototype, ["constructor"]],
  [() => Symbol.prototype, ["constructor", "toString"]],
];

const ERROR_SUBCLASSES = [
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "AggregateError",
];

function enableOverride(home: object, key: string | symbol): void {
  const descriptor = Object.getOwnPropertyDescriptor(home, key);
  if (descriptor === undefined || !("value" in descriptor)) return;
  const value: unknown = descriptor.value;
  Object.defineProperty(home, key, {
    get(): unknown {
      return value;
    },
    set(this: object, replacement: unknown): void {
      if (this === home) throw new TypeError(`Cannot assign to read only property '${String(key)}' of an intrinsic`);
      if (Object.hasOwn(this, key)) (this as Record<string | symbol, unknown>)[key] = replacement;
      else
        Object.defineProperty(this, key, { value: replacement, writable: true, enumerable: true, configurable: true });
    },
    enumerable: descriptor.enumerable,
    configurable: false,
  });
}

function hiddenIntrinsics(): unknown[] {
  const proto = Object.getPrototypeOf;
  const arrayIterator = proto([][Symbol.iterator]());
  return [
    proto(function* () {}),
    proto(async () => {}),
    proto(async function* () {}),
    arrayIterator,
    proto(arrayIterator),
    proto(new Map().entries()),
    proto(new Set().values()),
    proto(""[Symbol.iterator]()),
    proto(/./g[Symbol.matchAll]("")),
    proto(Uint8Array),
  ];
}

/** Prototypes of arrays, typed arrays and buffers (see `freeze`). */
const ELEMENT_PROTOTYPES = new Set<unknown>();

function collectElementPrototypes(): void {
  const typed = Object.getPrototypeOf(Uint8Array.prototype) as object;
  const inheritsFrom = Object.prototype.isPrototypeOf;
  for (const proto of [Object.prototype, Array.prototype, typed]) ELEMENT_PROTOTYPES.add(proto);
  const global = globalThis as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const value = global[name];
    if (typeof value !== "function") continue;
    const proto = (value as { prototype?: unknown }).prototype;
    if (typeof proto === "object" && proto !== null && inheritsFrom.call(typed, proto)) ELEMENT_PROTOTYPES.add(proto);
  }
}

/**
 * `Object.freeze` by its parts, for the prototypes of arrays and typed arrays
 * (`Buffer.prototype` included): every own property made read-only and
 * non-configurable, then no new ones. The result is frozen
 * (`Object.isFrozen` is true), but V8 keeps the object's elements kind;
 * `Object.freeze` on `Object.prototype` or a typed-array prototype turns off
 * V8's fast paths for element access on every array and typed array of the
 * realm (ten times slower `Buffer` reads and writes). Other objects are
 * frozen directly, which is much faster.
 */
function freeze(value: object): void {
  if (!ELEMENT_PROTOTYPES.has(value)) {
    Object.freeze(value);
    return;
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor;
    if (!descriptor.configurable && (!("value" in descriptor) || !descriptor.writable)) continue;
    Object.defineProperty(
      value,
      key,
      "value" in descriptor ? { configurable: false, writable: false } : { configurable: false },
    );
  }
  Object.preventExtensions(value);
}

function harden(roots: unknown[]): void {
  const seen = new Set<unknown>();
  const pending = [...roots];
  while (pending.length > 0) {
    const value = pending.pop();
    if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) continue;
    seen.add(value);
    if (value === globalThis || ArrayBuffer.isView(value)) continue;
    freeze(value);
    pending.push(Object.getPrototypeOf(value));
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor;
      if ("value" in descriptor) pending.push(descriptor.value);
      else pending.push(descriptor.get, descriptor.set);
    }
  }
}

export function lockdown(): void {
  for (const [home, keys] of OVERRIDABLE) for (const key of keys) enableOverride(home(), key);
  for (const name of ERROR_SUBCLASSES) {
    const ctor = (globalThis as unknown as Record<string, { prototype: object } | undefined>)[name];
    if (ctor) for (const key of ["constructor", "name", "message"]) enableOverride(ctor.prototype, key);
  }
  collectElementPrototypes();
  const global = globalThis as unknown as Record<string, unknown>;
  const names = Object.getOwnPropertyNames(globalThis).filter((name) => name !== "globalThis" && name !== "global");
  harden([...names.map((name) => global[name]), ...hiddenIntrinsics()]);
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name) as PropertyDescriptor;
    if (descriptor.configurable) {
      Object.defineProperty(globalThis, name, { value: global[name], writable: false, configurable: false });
    }
  }
}
