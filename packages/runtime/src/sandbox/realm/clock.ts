/**
 * The realm's only clock and randomness: the invocation's block time and a
 * PRNG seeded per invocation. Both are set by the host before each run.
 */

export interface Clock {
  /** Sets the time `Date` reports and reseeds `Math.random`. */
  set(timestampMs: number, seed: readonly [number, number, number, number]): void;
}

/**
 * Replaces `Date` with a realm class whose `Date.now()`, `new Date()` and
 * `Date()` give the block time; every other constructor form, `Date.parse`,
 * `Date.UTC` and the prototype are the original ones (so `instanceof Date`
 * and subclasses keep working). Local-time methods follow the process's time
 * zone, which the sandbox pins to UTC (see `../timezone.ts`).
 */
function installDate(now: () => number): void {
  const OriginalDate = Date;
  const DeterministicDate = function (this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return String(new OriginalDate(now()));
    const target = new.target === DeterministicDate ? OriginalDate : new.target;
    return Reflect.construct(OriginalDate, args.length === 0 ? [now()] : args, target);
  } as unknown as DateConstructor;
  Object.defineProperties(DeterministicDate, {
    name: { value: "Date" },
    length: { value: 7 },
    prototype: { value: OriginalDate.prototype },
    now: { value: () => now(), writable: true, configurable: true },
    parse: { value: OriginalDate.parse, writable: true, configurable: true },
    UTC: { value: OriginalDate.UTC, writable: true, configurable: true },
  });
  Object.defineProperty(OriginalDate.prototype, "constructor", {
    value: DeterministicDate,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(globalThis, "Date", { value: DeterministicDate, writable: true, configurable: true });
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counter): 128 bits of state, good
 * statistical quality, and only 32-bit integer arithmetic, so every node
 * computes the same sequence. Two outputs make one 53-bit double.
 */
function installRandom(): (seed: readonly [number, number, number, number]) => void {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  const random = function random(): number {
    const high = next() >>> 5; // 27 bits
    const low = next() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  };
  Object.defineProperty(Math, "random", { value: random, writable: true, configurable: true });
  return (seed) => {
    [a, b, c, d] = seed;
    // Discard the first outputs, as the algorithm's author recommends, so
    // that seeds differing in few bits give unrelated sequences.
    for (let i = 0; i < 15; i++) next();
  };
}

export function installClock(): Clock {
  let timestampMs = 0;
  installDate(() => timestampMs);
  const reseed = installRandom();
  reseed([0, 0, 0, 0]);
  return {
    set(time, seed) {
      timestampMs = time;
      reseed(seed);
    },
  };
}
