import { describe, expect, it } from "vitest";
import { parseGs1Date, resolveGs1Century } from "../../src/index.ts";
import { readVectors, thrownCode } from "../helpers.ts";

interface Vectors {
  cases: Array<{ ai: "11" | "17"; value: string; referenceYear: number; iso: string }>;
  invalid: Array<{ ai: "11" | "17"; value: string; referenceYear: number; code: string }>;
}
const vectors = readVectors<Vectors>("gs1/dates.json");

describe("GS1 dates (vectors/gs1/dates.json)", () => {
  it.each(vectors.cases)("($ai) $value in $referenceYear is $iso", (v) => {
    expect(parseGs1Date(v.ai, v.value, v.referenceYear).iso, `(${v.ai}) ${v.value}`).toBe(v.iso);
  });

  it.each(vectors.invalid)("rejects ($ai) $value", (v) => {
    expect(thrownCode(() => parseGs1Date(v.ai, v.value, v.referenceYear))?.code, v.value).toBe(v.code);
  });

  it("the century rule keeps every year within 49 years before or 50 after the reference", () => {
    for (let reference = 1950; reference <= 2150; reference++) {
      for (let yy = 0; yy < 100; yy++) {
        const year = resolveGs1Century(yy, reference);
        expect(year % 100, `${yy}/${reference}`).toBe(yy);
        expect(year - reference, `${yy}/${reference}`).toBeGreaterThanOrEqual(-49);
        expect(year - reference, `${yy}/${reference}`).toBeLessThanOrEqual(50);
      }
    }
  });
});
