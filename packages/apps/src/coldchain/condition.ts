import type { AlarmCondition } from "./types.ts";

/** True when a milli-degree value is beyond the condition's threshold. */
export function isBeyond(condition: AlarmCondition, milliC: number): boolean {
  switch (condition.op) {
    case ">":
      return milliC > condition.milliC;
    case ">=":
      return milliC >= condition.milliC;
    case "<":
      return milliC < condition.milliC;
    case "<=":
      return milliC <= condition.milliC;
    case "outside":
      return milliC < condition.minMilliC || milliC > condition.maxMilliC;
  }
}

/** Degrees Celsius to integer milli-degrees (the unit all comparisons use). */
export function toMilliC(celsius: number): number {
  return Math.round(celsius * 1000);
}
