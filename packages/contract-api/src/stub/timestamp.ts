/**
 * Transaction timestamps in Fabric's shapes. The only clock is the block
 * time the host gives, in milliseconds.
 */

/** A protobuf `Timestamp` with `seconds` as a number. */
export interface NumericTimestamp {
  seconds: number;
  nanos: number;
}

/** The timestamp of `ms` milliseconds since the epoch. */
export function timestampOfMs(ms: number): NumericTimestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

/**
 * The unsigned 64-bit `seconds` of `getTxTimestamp`, shaped like the `long`
 * package's `Long` that Fabric returns: own fields `low`, `high`, `unsigned`
 * (so it serializes to the same JSON) and the usual conversions.
 */
export class TimestampSeconds {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;

  /** `seconds` must be a non-negative integer. */
  constructor(seconds: number) {
    // The `long` package keeps both halves as signed 32-bit integers, in this property order.
    this.low = (seconds % 0x1_0000_0000) | 0;
    this.high = Math.floor(seconds / 0x1_0000_0000) | 0;
    this.unsigned = true;
  }

  /** The value as a JavaScript number (exact below 2^53). */
  toNumber(): number {
    return (this.high >>> 0) * 0x1_0000_0000 + (this.low >>> 0);
  }

  /** The low 32 bits, as `Long.toInt` returns them for an unsigned value. */
  toInt(): number {
    return this.low >>> 0;
  }

  /** Decimal text (or another radix). */
  toString(radix = 10): string {
    return this.toNumber().toString(radix);
  }

  /** Lets `seconds * 1000` work (the `long` package has no `valueOf`; this is a convenience). */
  valueOf(): number {
    return this.toNumber();
  }
}

/** `getTxTimestamp`'s shape: `nanos` first, then `seconds`, as Fabric builds it. */
export interface TxTimestamp {
  nanos: number;
  seconds: TimestampSeconds;
}

/** The transaction timestamp for a block time in milliseconds. */
export function txTimestampOfMs(ms: number): TxTimestamp {
  const { seconds, nanos } = timestampOfMs(ms);
  return { nanos, seconds: new TimestampSeconds(seconds) };
}
