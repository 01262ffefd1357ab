import { checkEpcisDocument, epcCanonicalKey, hasValidCheckDigit, isValidGtin } from "@citychain/apps";
import { describe, expect, it } from "vitest";
import {
  CASE_GTIN,
  commissioningDocument,
  PACK_GTIN,
  PACKS_PER_CASE,
  packAndShipDocument,
  sscc,
} from "../src/epcis-documents.ts";

interface Doc {
  epcisBody: { eventList: { epcList?: string[]; childEPCs?: string[]; parentID?: string }[] };
}

/**
 * The benchmark's EPCIS documents are valid EPCIS 2.0 and name fresh
 * identifiers in every transaction, so every capture can commit with OK.
 */
describe("the epcis workload's documents", () => {
  it("carry valid GS1 keys (the bench computes check digits itself: it may not import apps)", () => {
    expect(isValidGtin(PACK_GTIN) && isValidGtin(CASE_GTIN)).toBe(true);
    for (const ref of [0, 1, 99_999, 123_456_789]) expect(hasValidCheckDigit(sscc(ref)), `SSCC ${ref}`).toBe(true);
  });

  it("are valid EPCIS 2.0 documents", () => {
    for (const [name, text] of [
      ["pack and ship", packAndShipDocument("1764000000000-0-1", 0)],
      ["pack and ship, late in a run", packAndShipDocument("1764000000000-1-0", 199_999)],
      ["commissioning", commissioningDocument("1764000000000-0-0", 42)],
    ]) {
      expect(checkEpcisDocument(JSON.parse(text), { maxEvents: 200 }).problems, name).toEqual([]);
    }
  });

  it("never name the same item or case twice across documents, workers and runs", () => {
    const seen = new Set<string>();
    for (const worker of ["1764000000000-0-0", "1764000000000-0-1", "1764000009999-1-0"]) {
      for (let i = 0; i < 400; i++) {
        const doc = JSON.parse(packAndShipDocument(worker, i)) as Doc;
        const [commission, pack] = doc.epcisBody.eventList;
        expect(commission.epcList).toHaveLength(PACKS_PER_CASE);
        for (const epc of [...(commission.epcList ?? []), pack.parentID as string]) {
          const key = epcCanonicalKey(epc);
          const serial = key.split("/21/")[1];
          expect(serial.length, key).toBeLessThanOrEqual(20);
          expect(seen.has(key), `${key} repeats (${worker}, ${i})`).toBe(false);
          seen.add(key);
        }
      }
    }
  });
});
