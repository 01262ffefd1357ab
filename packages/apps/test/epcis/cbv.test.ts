import { describe, expect, it } from "vitest";
import { cbvWebUri, readCbvValue } from "../../src/index.ts";

describe("CBV vocabulary values", () => {
  it.each([
    ["shipping", "shipping"],
    ["cbv:BizStep-shipping", "shipping"],
    ["https://ref.gs1.org/cbv/BizStep-shipping", "shipping"],
    ["urn:epcglobal:cbv:bizstep:shipping", "shipping"],
    ["https://example.com/voc/step-x", "https://example.com/voc/step-x"],
    ["urn:example:step:x", "urn:example:step:x"],
  ])("reads business step %s as %s", (raw, value) => {
    expect(readCbvValue("bizStep", raw)).toMatchObject({ ok: true, value });
  });

  it.each([
    "shippin",
    "Shipping",
    "https://ref.gs1.org/cbv/BizStep-flying",
    "urn:epcglobal:cbv:bizstep:flying",
    "in transit",
  ])("rejects %s", (raw) => {
    expect(readCbvValue("bizStep", raw).ok, raw).toBe(false);
  });

  it("reads the other vocabularies in all their forms", () => {
    expect(readCbvValue("disposition", "urn:epcglobal:cbv:disp:in_transit")).toMatchObject({ value: "in_transit" });
    expect(readCbvValue("bizTransactionType", "https://ref.gs1.org/cbv/BTT-desadv")).toMatchObject({ value: "desadv" });
    expect(readCbvValue("sourceDestType", "urn:epcglobal:cbv:sdt:possessing_party")).toMatchObject({
      value: "possessing_party",
    });
    expect(readCbvValue("errorReason", "cbv:ER-incorrect_data")).toMatchObject({ value: "incorrect_data" });
    expect(readCbvValue("disposition", "shipping").ok).toBe(false);
    expect(cbvWebUri("bizStep", "shipping")).toBe("https://ref.gs1.org/cbv/BizStep-shipping");
  });
});
