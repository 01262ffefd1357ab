/**
 * Voting-power thresholds. With total power N and faulty power f < N/3,
 * "2f+1" becomes "more than two thirds of N" and "f+1" "more than one third".
 * Integer arithmetic: totals are bounded by TOTAL_VOTING_POWER_MAX, so 3*N is exact.
 */

/** More than two thirds of the total: any two such sets share an honest validator. */
export function isQuorum(power: number, total: number): boolean {
  return 3 * power > 2 * total;
}

/** More than one third of the total: at least one honest validator is among them. */
export function isOneThird(power: number, total: number): boolean {
  return 3 * power > total;
}
