/**
 * Byte conversions at the host boundary. Values from the host belong to
 * another realm, where `instanceof Uint8Array` is false, so byte-ness is
 * checked with `ArrayBuffer.isView` and values are copied into this realm's
 * global `Buffer` (the sandbox's, or Node's in tests).
 */

/** A copy of bytes from the host as a `Buffer` of this realm. */
export function bufferFromHost(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes);
}

/** True for any typed array or DataView, whatever realm made it. */
export function isByteView(value: unknown): value is ArrayBufferView {
  return ArrayBuffer.isView(value);
}

/** A fresh copy of a byte view's bytes, so later changes by the contract cannot reach the host. */
export function copyBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/**
 * Bytes of a value a contract writes: a string is UTF-8 encoded (as Fabric's
 * `putState` does), a byte view is copied; anything else is rejected.
 */
export function valueToBytes(value: unknown, what: string): Uint8Array {
  if (typeof value === "string") return copyBytes(Buffer.from(value, "utf8"));
  if (isByteView(value)) return copyBytes(value);
  throw new TypeError(`${what} must be a Buffer, a Uint8Array or a string`);
}

/** UTF-8 text of bytes. */
export function bytesToUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("utf8");
}
