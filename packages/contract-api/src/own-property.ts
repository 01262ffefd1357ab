/**
 * Sets an own, enumerable data property. Plain assignment would instead
 * reach an inherited member of the same name: `__proto__` changes the
 * prototype, and a name like `toString` throws once the sandbox has frozen
 * `Object.prototype`. Data from contracts and JSON may use any name.
 */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
