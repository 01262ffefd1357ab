import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDigitalLink, type Gs1Elements, parseDigitalLink } from "../../src/index.ts";
import { readVectors, thrownCode } from "../helpers.ts";

interface Vectors {
  accept: Array<{
    name: string;
    uri: string;
    resolver: string;
    elements: Gs1Elements;
    otherQuery?: Array<[string, string]>;
    canonical?: string;
  }>;
  reject: Array<{ name: string; uri: string; code: string; part: string }>;
}
const vectors = readVectors<Vectors>("gs1/digital-link.json");

describe("GS1 Digital Link (vectors/gs1/digital-link.json)", () => {
  it.each(vectors.accept)("parses $name", (v) => {
    const parsed = parseDigitalLink(v.uri);
    expect(parsed.elements, v.name).toEqual(v.elements);
    expect(parsed.resolver, v.name).toBe(v.resolver);
    expect(parsed.otherQuery, v.name).toEqual(v.otherQuery ?? []);
    if (v.canonical !== undefined)
      expect(formatDigitalLink(parsed.elements, parsed.resolver), v.name).toBe(v.canonical);
  });

  it.each(vectors.reject)("rejects $name", (v) => {
    const error = thrownCode(() => parseDigitalLink(v.uri));
    expect(error?.code, v.name).toBe(v.code);
    expect(error?.part, v.name).toBe(v.part);
  });

  it("formats and parses back any GTIN, lot, serial and expiry", () => {
    const cset82 = fc.stringMatching(/^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/);
    const gtin = fc.stringMatching(/^\d{13}$/).map((body) => {
      let sum = 0;
      for (let i = 0; i < 13; i++) sum += Number(body[12 - i]) * (i % 2 === 0 ? 3 : 1);
      return body + ((10 - (sum % 10)) % 10);
    });
    const expiry = fc
      .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 28 }))
      .map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, "0")).join(""));
    fc.assert(
      fc.property(
        gtin,
        fc.option(cset82, { nil: undefined }),
        fc.option(cset82, { nil: undefined }),
        fc.option(expiry, { nil: undefined }),
        (g, lot, serial, exp) => {
          const elements: Gs1Elements = { gtin: g };
          if (lot !== undefined) elements.lot = lot;
          if (serial !== undefined) elements.serial = serial;
          if (exp !== undefined) elements.expiry = exp;
          const uri = formatDigitalLink(elements, "https://resolver.example/x");
          const back = parseDigitalLink(uri);
          expect(back.elements, uri).toEqual(elements);
          expect(back.resolver, uri).toBe("https://resolver.example/x");
        },
      ),
    );
  });
});
