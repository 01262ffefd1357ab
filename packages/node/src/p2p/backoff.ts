/** Parameters of the reconnect delay. */
export interface BackoffOptions {
  delayMsMin: number;
  delayMsMax: number;
  /** 0 gives exact doubling (deterministic tests); 0.2 spreads each delay over +-20%. */
  jitterRatio: number;
  /** A number in [0, 1); injected so tests can fix it. */
  random: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry):
 * delayMsMin * 2^attempt, capped at delayMsMax, then jittered and capped
 * again, so the result never exceeds delayMsMax.
 */
export function backoffDelayMs(attempt: number, o: BackoffOptions): number {
  // 2^31 already overflows any sane delay; the cap keeps the power finite.
  const exponent = Math.min(Math.max(0, attempt), 31);
  const base = Math.min(o.delayMsMax, o.delayMsMin * 2 ** exponent);
  const jitter = 1 + o.jitterRatio * (2 * o.random() - 1);
  return Math.max(0, Math.min(o.delayMsMax, Math.round(base * jitter)));
}
