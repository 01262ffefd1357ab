import { describe, expect, it } from "vitest";
import { confidentialCapture, redactEvent, supplyChainCollections } from "../../src/contracts/index.ts";

describe("confidential EPCIS capture", () => {
  it("keeps only what custody, recall, query and trace need; quantities lose their amounts", () => {
    const event = {
      type: "ObjectEvent",
      eventTime: "2026-01-01T00:00:00Z",
      eventTimeZoneOffset: "+00:00",
      action: "OBSERVE",
      bizStep: "shipping",
      readPoint: { id: "urn:epc:id:sgln:0614141.00001.0" },
      epcList: ["urn:epc:id:sgtin:0614141.107346.2017"],
      quantityList: [{ epcClass: "urn:epc:class:lgtin:4012345.012345.998877", quantity: 200, uom: "KGM" }],
      bizTransactionList: [{ type: "po", bizTransaction: "urn:epcglobal:cbv:bt:0614141073467:PO-1" }],
      sourceList: [{ type: "owning_party", source: "urn:epc:id:pgln:0614141.00001" }],
      destinationList: [{ type: "owning_party", destination: "urn:epc:id:pgln:0614141.00002" }],
      ilmd: { "cbvmda:lotNumber": "L1" },
      sensorElementList: [],
      "example:price": 12.5,
    };
    expect(redactEvent(event)).toEqual({
      type: "ObjectEvent",
      eventTime: "2026-01-01T00:00:00Z",
      eventTimeZoneOffset: "+00:00",
      action: "OBSERVE",
      bizStep: "shipping",
      readPoint: { id: "urn:epc:id:sgln:0614141.00001.0" },
      epcList: ["urn:epc:id:sgtin:0614141.107346.2017"],
      quantityList: [{ epcClass: "urn:epc:class:lgtin:4012345.012345.998877" }],
    });
  });

  it("declares the full events' hashes, which differ from the redacted ones", () => {
    const doc = (events: unknown[]) =>
      JSON.stringify({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: "2026-01-01T00:00:00.000Z",
        epcisBody: { eventList: events },
      });
    const full = {
      type: "ObjectEvent",
      eventTime: "2026-01-01T00:00:00Z",
      eventTimeZoneOffset: "+00:00",
      action: "OBSERVE",
      epcList: ["urn:epc:id:sgtin:0614141.107346.2017"],
      bizTransactionList: [{ type: "po", bizTransaction: "urn:epcglobal:cbv:bt:0614141073467:PO-1" }],
    };
    const split = confidentialCapture(doc([full]));
    expect(split.hashes).toHaveLength(1);
    expect(split.hashes[0]).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    expect(confidentialCapture(split.redactedJson).hashes[0]).not.toBe(split.hashes[0]);
    expect(split.redactedJson).not.toContain("PO-1");
  });

  it("gives each organisation its own collection, endorsed by its own nodes", () => {
    expect(supplyChainCollections(["farm", "factory"]).map((c) => [c.name, c.memberOrgs, c.endorsementPolicy])).toEqual(
      [
        ["confidential-farm", ["farm"], "OR('farm.peer')"],
        ["confidential-factory", ["factory"], "OR('factory.peer')"],
      ],
    );
  });
});
