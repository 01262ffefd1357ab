/**
 * The execution meter, `__cc` in instrumented code (see `../instrument.ts`).
 * It lives in the realm: its functions are the realm's own, so reaching them
 * gives a contract nothing but ways to spend its budget.
 *
 * Ticks count down from the invocation's budget. The count is Infinity between
 * invocations (library set-up is free) and -Infinity once a limit has
 * tripped: from then on every tick throws again, so a contract that catches
 * the error cannot keep running, and the invocation fails with the limit's
 * code whatever the contract did with the error.
 *
 * Depth counts instrumented frames. Each body saves its level (`__ccD`) and
 * sets the counter back to it on exit, in `catch`/`finally` entries and
 * around suspensions, so an imbalance can only make the count high, never
 * low: V8's own stack limit is never reached by instrumented recursion.
 */
import { codedError } from "./errors.ts";
import type { RealmCodes } from "./types.ts";

/** The functions instrumented code calls; names are short because they are inserted everywhere. */
export interface Meter {
  /** One tick (loop bodies). */
  t(): void;
  /** Enters a body: a tick, one more level of depth; returns the body's level. */
  e(): number;
  /** Leaves a body of level `d`. */
  x(d: number): void;
  /** Enters a `catch` or `finally` block of a body of level `d`; `caught` is the catch parameter. */
  k(d: number, caught?: unknown): void;
  /** Resumes a suspended generator or async body: as `e`. */
  r(): number;
  /** Suspends a body of level `d` at an `await` or `yield` of `value`. */
  u<T>(value: T, suspended: boolean, d: number): T;
  /** Returns its first argument (the value of a resumed `await` or `yield`). */
  v<T>(value: T, ...updates: unknown[]): T;
  /** Charges an array spread (or array rest) of `value` by its size. */
  s<T>(value: T): T;
  /** Charges an object spread of `value` by its own keys. */
  so<T>(value: T): T;
  /** Charges a call's spread arguments and counts them as depth until `sr`. */
  sa<T>(value: T): T;
  /** Charges a call's spread arguments and checks, without counting, that they fit. */
  sc<T>(value: T): T;
  /** The current depth, saved before a call with spread arguments. */
  sp(): number;
  /** Restores the depth saved by `sp` after the call returned `value`. */
  sr<T>(saved: number, value: T): T;
  /** Leaves a body of level `d` through `return value` (bodies without a `try`). */
  rt<T>(d: number, value?: T): T | undefined;
  /** Wraps the iterable of a `yield*` so that each delegated step counts one level. */
  yd(iterable: unknown, isAsync: boolean): unknown;
}

/** How the host side of the realm drives the meter. */
export interface MeterControl {
  readonly meter: Meter;
  begin(budget: number, callDepthMax: number): void;
  /** Ends the run; the code and message of the limit that tripped, if any. */
  end(): { ticksUsed: number; trippedCode: string | undefined; trippedMessage: string };
  /** Charges the creation or scan of `n` elements by a builtin, before it happens. */
  chargeElements(n: number): void;
  /** Runs `fn`, which pushes `n` arguments on the stack, with them charged and counted as depth. */
  withArguments<T>(n: number, fn: () => T): T;
}

export interface MeterOptions {
  callDepthMax: number;
  spreadArgsPerDepthUnit: number;
  bulkElementsPerTick: number;
  codes: RealmCodes;
}

const STACK_OVERFLOW_MESSAGE = "Maximum call stack size exceeded";

export function createMeter(options: MeterOptions): MeterControl {
  const { spreadArgsPerDepthUnit, bulkElementsPerTick, codes } = options;
  // Ticks left, in a typed array: a double held in a closure variable would
  // be boxed, and every tick would allocate a new number.
  const ticks = new Float64Array(1);
  ticks[0] = Number.POSITIVE_INFINITY;
  let budget = 0;
  let depth = 0;
  let depthMax = options.callDepthMax;
  let tripped: { code: string; message: string; ticksUsed: number } | undefined;

  function trip(code: string, message: string): never {
    if (tripped === undefined) {
      tripped = { code, message, ticksUsed: Math.min(budget, Math.max(0, budget - ticks[0])) };
      ticks[0] = Number.NEGATIVE_INFINITY;
    }
    throw codedError(tripped.code, tripped.message);
  }

  function overBudget(): never {
    return trip(
      codes.budget,
      `contract execution budget of ${budget} ticks is spent: a loop or recursion runs too long, or too much data is built or scanned; bound the work, or split it over several transactions`,
    );
  }

  function tooDeep(): never {
    return trip(
      codes.depth,
      `contract call depth passed ${depthMax} levels (spread arguments count one level per ${spreadArgsPerDepthUnit}); make the recursion shallower or iterative`,
    );
  }

  function enter(): number {
    if (--ticks[0] < 0) overBudget();
    if (depth >= depthMax) tooDeep();
    return ++depth;
  }

  function chargeElements(n: number): void {
    if (!(n > 0)) return;
    ticks[0] -= Math.min(Math.ceil(n / bulkElementsPerTick), Number.MAX_SAFE_INTEGER);
    if (ticks[0] < 0) overBudget();
  }

  function argumentLevels(n: number): number {
    return Math.ceil(n / spreadArgsPerDepthUnit);
  }

  function spreadSize(value: unknown): number {
    if (typeof value === "string" || Array.isArray(value)) return value.length;
    if (ArrayBuffer.isView(value)) return value.byteLength;
    if (value instanceof Map || value instanceof Set) return value.size;
    return 0;
  }

  function chargeArguments(value: unknown): number {
    const n = spreadSize(value);
    chargeElements(n);
    const levels = argumentLevels(n);
    if (depth + levels > depthMax) tooDeep();
    return levels;
  }

  function delegate(iterable: unknown, isAsync: boolean): unknown {
    const source = iterable as Record<symbol, (() => unknown) | undefined>;
    const asyncMethod = isAsync ? source[Symbol.asyncIterator] : undefined;
    const iterator = (
      asyncMethod != null ? asyncMethod.call(iterable) : (source[Symbol.iterator] as () => unknown).call(iterable)
    ) as Record<string, ((value?: unknown) => unknown) | undefined>;
    const next = iterator.next as (value?: unknown) => unknown;
    const step = (method: (value?: unknown) => unknown, value: unknown): unknown => {
      const saved = depth;
      if (depth >= depthMax) tooDeep();
      depth++;
      try {
        return method.call(iterator, value);
      } finally {
        depth = saved;
      }
    };
    const optional = (name: "throw" | "return") => ({
      get(): ((value?: unknown) => unknown) | undefined {
        const method = iterator[name];
        return method == null ? undefined : (value?: unknown) => step(method, value);
      },
    });
    const wrapper = Object.create(null, {
      next: { value: (value?: unknown) => step(next, value) },
      throw: optional("throw"),
      return: optional("return"),
      [asyncMethod != null ? Symbol.asyncIterator : Symbol.iterator]: { value: () => wrapper },
    });
    return wrapper;
  }

  const meter: Meter = Object.freeze({
    t(): void {
      if (--ticks[0] < 0) overBudget();
    },
    e: enter,
    x(d: number): void {
      depth = d - 1;
    },
    k(d: number, caught?: unknown): void {
      if (--ticks[0] < 0) overBudget();
      depth = d;
      // Only uninstrumented recursion (a builtin walking deeply nested data)
      // can reach V8's limit; where it did is not deterministic, so it ends
      // the invocation like the depth limit instead of being catchable.
      if (caught instanceof RangeError && caught.message === STACK_OVERFLOW_MESSAGE) tooDeep();
    },
    r: enter,
    u<T>(value: T, _suspended: boolean, d: number): T {
      depth = d - 1;
      return value;
    },
    v<T>(value: T): T {
      return value;
    },
    s<T>(value: T): T {
      chargeElements(spreadSize(value));
      return value;
    },
    so<T>(value: T): T {
      if (value !== null && value !== undefined) chargeElements(Object.keys(value).length);
      return value;
    },
    sa<T>(value: T): T {
      depth += chargeArguments(value);
      return value;
    },
    sc<T>(value: T): T {
      chargeArguments(value);
      return value;
    },
    sp(): number {
      return depth;
    },
    sr<T>(saved: number, value: T): T {
      depth = saved;
      return value;
    },
    rt<T>(d: number, value?: T): T | undefined {
      depth = d - 1;
      return value;
    },
    yd: delegate,
  });

  return {
    meter,
    begin(newBudget: number, callDepthMax: number): void {
      budget = newBudget;
      ticks[0] = newBudget;
      depth = 0;
      depthMax = callDepthMax;
      tripped = undefined;
    },
    end() {
      const result = tripped
        ? { ticksUsed: tripped.ticksUsed, trippedCode: tripped.code, trippedMessage: tripped.message }
        : { ticksUsed: budget - ticks[0], trippedCode: undefined, trippedMessage: "" };
      ticks[0] = Number.POSITIVE_INFINITY;
      budget = 0;
      depth = 0;
      depthMax = options.callDepthMax;
      tripped = undefined;
      return result;
    },
    chargeElements,
    withArguments<T>(n: number, fn: () => T): T {
      chargeElements(n);
      const levels = argumentLevels(n);
      if (depth + levels > depthMax) tooDeep();
      const saved = depth;
      depth += levels;
      try {
        return fn();
      } finally {
        depth = saved;
      }
    },
  };
}
