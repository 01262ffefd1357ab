import { describe, expect, it } from "vitest";
import { coldChainPresets, evaluateColdChain, meanKineticTemperature, type Reading } from "../../src/index.ts";
import { readVectors } from "../helpers.ts";

interface Vectors {
  cases: Array<{ name: string; readings: Reading[]; mktC: number }>;
}
const { cases } = readVectors<Vectors>("coldchain/mkt.json");

describe("mean kinetic temperature (vectors/coldchain/mkt.json)", () => {
  it.each(cases)("$name", (v) => {
    expect(evaluateColdChain(v.readings, coldChainPresets.freezeAlarm).mktC, v.name).toBeCloseTo(v.mktC, 9);
  });

  it("weights explicitly given agree with time weights", () => {
    expect(
      meanKineticTemperature([
        { celsius: 20, weight: 1 },
        { celsius: 30, weight: 1 },
      ]),
    ).toBeCloseTo(cases[1].mktC, 9);
  });

  it("is never below the arithmetic mean and never above the maximum", () => {
    const temps = [2, 8, 25, 5, 5, 40];
    const mkt = meanKineticTemperature(temps.map((celsius) => ({ celsius, weight: 1 }))) as number;
    expect(mkt).toBeGreaterThanOrEqual(temps.reduce((a, b) => a + b) / temps.length);
    expect(mkt).toBeLessThanOrEqual(40);
  });
});
