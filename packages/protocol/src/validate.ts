import { CityChainError, type ErrorCode } from "./errors.ts";

/**
 * Small structural checks for decoded values. Each failure names the field so
 * the person who built the bad value knows what to fix.
 */
export class Shape {
  constructor(
    private readonly code: ErrorCode,
    private readonly what: string,
  ) {}

  fail(field: string, problem: string): never {
    throw new CityChainError({ code: this.code }, `${this.what}: field '${field}' ${problem}`);
  }

  object(v: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
    if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
      this.fail(field, "must be a map");
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.fail(`${field}.${k}`, "is not a known field");
    return o;
  }

  bytes(v: unknown, field: string, minLen = 0, maxLen = Number.MAX_SAFE_INTEGER): Uint8Array {
    if (!(v instanceof Uint8Array)) this.fail(field, "must be a byte string");
    if (v.length < minLen || v.length > maxLen) {
      this.fail(field, minLen === maxLen ? `must be ${minLen} bytes` : `must be ${minLen} to ${maxLen} bytes`);
    }
    return v;
  }

  string(v: unknown, field: string, maxLen: number, pattern?: RegExp): string {
    if (typeof v !== "string") this.fail(field, "must be a text string");
    if (v.length > maxLen) this.fail(field, `must be at most ${maxLen} characters`);
    if (pattern && !pattern.test(v)) this.fail(field, `must match ${pattern}`);
    return v;
  }

  uint(v: unknown, field: string): number {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) this.fail(field, "must be a non-negative integer");
    return v;
  }

  array(v: unknown, field: string, maxLen: number): unknown[] {
    if (!Array.isArray(v)) this.fail(field, "must be an array");
    if (v.length > maxLen) this.fail(field, `must have at most ${maxLen} items`);
    return v;
  }

  oneOf<T extends string>(v: unknown, field: string, options: readonly T[]): T {
    if (typeof v !== "string" || !options.includes(v as T)) this.fail(field, `must be one of ${options.join(", ")}`);
    return v as T;
  }
}

/** Contract and function names: letters, digits and `_ . : -`, not empty. */
export const NAME_PATTERN = /^[A-Za-z0-9_.:-]+$/;
