/**
 * Mean kinetic temperature (ICH Q1A / USP <1079.2>, Haynes 1971):
 *   T_mk = (ΔH/R) / -ln( Σ w_i·exp(-ΔH/(R·T_i)) / Σ w_i ),  T in kelvin,
 * with ΔH = 83.144 kJ/mol and R = 8.3144 J/(mol·K), so ΔH/R = 10 000 K.
 * Each reading is weighted by the time it holds (until the next reading), so
 * unequal intervals are handled. Math.exp and Math.log are deterministic in
 * V8 for the same inputs, and the sum is always formed in reading order, so
 * every node (and every incremental split) gets the same bits.
 */
export const ACTIVATION_OVER_R_K = 10_000;
const KELVIN_OFFSET = 273.15;

/** Running sums of the MKT formula. */
export interface MktAccumulator {
  weightedSum: number;
  totalWeightMs: number;
}

/** Adds one reading held for `weightMs`. */
export function mktAdd(acc: MktAccumulator, milliC: number, weightMs: number): void {
  acc.weightedSum += weightMs * Math.exp(-ACTIVATION_OVER_R_K / (milliC / 1000 + KELVIN_OFFSET));
  acc.totalWeightMs += weightMs;
}

/** MKT in °C from the sums; a single reading (no held time) gives its own temperature. */
export function mktCelsius(acc: MktAccumulator, lastMilliC: number | undefined): number | undefined {
  if (acc.totalWeightMs === 0) return lastMilliC === undefined ? undefined : lastMilliC / 1000;
  return ACTIVATION_OVER_R_K / -Math.log(acc.weightedSum / acc.totalWeightMs) - KELVIN_OFFSET;
}

/** MKT of readings given with explicit weights (equal weights for equal intervals). */
export function meanKineticTemperature(
  samples: ReadonlyArray<{ celsius: number; weight: number }>,
): number | undefined {
  const acc: MktAccumulator = { weightedSum: 0, totalWeightMs: 0 };
  for (const s of samples) mktAdd(acc, Math.round(s.celsius * 1000), s.weight);
  return acc.totalWeightMs === 0 ? undefined : mktCelsius(acc, undefined);
}
