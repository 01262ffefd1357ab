import { describe, expect, it } from "vitest";
import {
  checkNumericKey,
  gs1CheckDigit,
  isValidGln,
  isValidGtin,
  isValidSscc,
  normaliseGtin,
} from "../../src/index.ts";
import { readVectors, thrownCode } from "../helpers.ts";

interface Vectors {
  valid: Array<{ name: string; key: string; kind: "gtin" | "gln" | "sscc"; gtin14?: string }>;
  invalid: Array<{ name: string; key: string; kind: "gtin" | "gln" | "sscc"; code: string }>;
}
const vectors = readVectors<Vectors>("gs1/check-digits.json");
const LENGTH: Record<"gtin" | "gln" | "sscc", number> = { gtin: 14, gln: 13, sscc: 18 };

describe("GS1 check digits (vectors/gs1/check-digits.json)", () => {
  it.each(vectors.valid)("accepts $name", (v) => {
    expect(gs1CheckDigit(v.key.slice(0, -1)), v.name).toBe(Number(v.key.at(-1)));
    if (v.kind === "gtin") {
      expect(isValidGtin(v.key), v.name).toBe(true);
      expect(normaliseGtin(v.key), v.name).toBe(v.gtin14);
    } else {
      expect(v.kind === "gln" ? isValidGln(v.key) : isValidSscc(v.key), v.name).toBe(true);
    }
  });

  it.each(vectors.invalid)("rejects $name", (v) => {
    const check = v.kind === "gtin" ? () => normaliseGtin(v.key) : () => checkNumericKey(v.key, LENGTH[v.kind], v.kind);
    expect(thrownCode(check)?.code, v.name).toBe(v.code);
  });

  it("every single-digit change of a valid key is caught", () => {
    const key = "4006381333931";
    for (let i = 0; i < key.length; i++) {
      for (let d = 0; d <= 9; d++) {
        const changed = key.slice(0, i) + d + key.slice(i + 1);
        if (changed !== key) expect(isValidGtin(changed), changed).toBe(false);
      }
    }
  });
});
