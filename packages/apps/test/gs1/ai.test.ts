import { describe, expect, it } from "vitest";
import { firstNonCset82, isCset82, validateAiValue } from "../../src/index.ts";
import { readVectors, thrownCode } from "../helpers.ts";

interface Vectors {
  valid: Array<{ ai: string; value: string }>;
  invalid: Array<{ ai: string; value: string; code: string }>;
}
const vectors = readVectors<Vectors>("gs1/ai-values.json");

describe("application identifier values (vectors/gs1/ai-values.json)", () => {
  it.each(vectors.valid)("accepts ($ai) $value", (v) => {
    expect(
      thrownCode(() => validateAiValue(v.ai, v.value)),
      `(${v.ai}) ${v.value}`,
    ).toBeUndefined();
  });

  it.each(vectors.invalid)("rejects ($ai) $value", (v) => {
    const error = thrownCode(() => validateAiValue(v.ai, v.value));
    expect(error?.code, `(${v.ai}) ${v.value}`).toBe(v.code);
    expect(error?.part, `(${v.ai}) ${v.value}`).toContain(`(${v.ai})`);
  });

  it("character set 82 has exactly 82 printable ASCII characters", () => {
    let count = 0;
    for (let c = 0x20; c < 0x7f; c++) if (isCset82(String.fromCharCode(c))) count++;
    expect(count).toBe(82);
    expect(firstNonCset82("AB C")).toBe(" ");
  });
});
