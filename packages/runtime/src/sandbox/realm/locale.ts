/**
 * Locale-sensitive builtins answer from ICU with the process's default
 * locale, which comes from the environment (LANG) and differs between nodes.
 * The realm has no `Intl`; methods that take a locale use `en-US` when the
 * contract names none, so only the ICU data (pinned with the Node.js release
 * every validator runs) decides their output.
 */
const DEFAULT_LOCALE = "en-US";

type LocaleMethod = (this: unknown, locales?: unknown, ...rest: unknown[]) => unknown;

function pinLocale(target: object, name: string): void {
  const original = (target as Record<string, LocaleMethod>)[name];
  if (typeof original !== "function") return;
  const pinned = {
    [name](this: unknown, locales?: unknown, ...rest: unknown[]): unknown {
      return Reflect.apply(original, this, [locales === undefined ? DEFAULT_LOCALE : locales, ...rest]);
    },
  }[name];
  Object.defineProperty(pinned, "length", { value: original.length });
  Object.defineProperty(target, name, { value: pinned, writable: true, configurable: true });
}

/** `String.prototype.localeCompare(that, locales, options)` takes the locale second. */
function pinLocaleCompare(): void {
  const original = String.prototype.localeCompare;
  const localeCompare = {
    localeCompare(this: string, that: string, locales?: string | string[], options?: Intl.CollatorOptions): number {
      return Reflect.apply(original, this, [that, locales === undefined ? DEFAULT_LOCALE : locales, options]);
    },
  }.localeCompare;
  Object.defineProperty(localeCompare, "length", { value: 1 });
  Object.defineProperty(String.prototype, "localeCompare", {
    value: localeCompare,
    writable: true,
    configurable: true,
  });
}

export function pinLocales(): void {
  pinLocaleCompare();
  pinLocale(String.prototype, "toLocaleUpperCase");
  pinLocale(String.prototype, "toLocaleLowerCase");
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
  for (const proto of [Number.prototype, BigInt.prototype, Array.prototype, typedArrayPrototype, Date.prototype]) {
    pinLocale(proto, "toLocaleString");
  }
  pinLocale(Date.prototype, "toLocaleDateString");
  pinLocale(Date.prototype, "toLocaleTimeString");
  Reflect.deleteProperty(globalThis, "Intl");
}
