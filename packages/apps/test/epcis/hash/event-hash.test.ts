import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { documentEventHashIds, eventHashId, eventPrehashString } from "../../../src/index.ts";
import { readVectors } from "../../helpers.ts";

interface HashVectors {
  vectors: Array<{ document: string; eventIndex: number; prehash: string; hashId: string }>;
}
interface Doc {
  "@context": unknown;
  epcisBody: { eventList: Array<Record<string, unknown>> };
}
const { vectors } = readVectors<HashVectors>("epcis/hash/vectors.json");

describe("EPCIS Event Hash ID (vectors/epcis/hash/vectors.json)", () => {
  it.each(vectors)("matches the reference for $document event $eventIndex", (v) => {
    const doc = readVectors<Doc>(`epcis/${v.document}`);
    const event = doc.epcisBody.eventList[v.eventIndex];
    const options = { context: doc["@context"], documentEvents: doc.epcisBody.eventList };
    expect(eventPrehashString(event, options), v.document).toBe(v.prehash);
    expect(eventHashId(event, options), v.document).toBe(v.hashId);
    expect(documentEventHashIds(doc)[v.eventIndex], v.document).toBe(v.hashId);
  });
});

describe("EPCIS Event Hash ID invariances", () => {
  const doc = readVectors<Doc>("epcis/hash/ref-epcisDocWithSingleEvent.json");
  const base = doc.epcisBody.eventList[0];
  const id = eventHashId(base, { context: doc["@context"] });

  it.each([
    ["keys in another order", Object.fromEntries(Object.entries(base).reverse())],
    [
      "EPCs as Digital Links",
      {
        ...base,
        epcList: [
          "https://id.gs1.org/01/10614141073464/21/2018",
          "https://example.com/01/10614141073464/21/2017?17=250101",
        ],
      },
    ],
    [
      "bizStep and disposition as EPCIS 1.x URNs",
      { ...base, bizStep: "urn:epcglobal:cbv:bizstep:shipping", disposition: "urn:epcglobal:cbv:disp:in_transit" },
    ],
    ["bizStep as a Web URI", { ...base, bizStep: "https://ref.gs1.org/cbv/BizStep-shipping" }],
    ["eventTime in UTC", { ...base, eventTime: "2022-02-17T02:33:31.116Z" }],
    ["eventTime with extra digits", { ...base, eventTime: "2022-02-17T02:33:31.1160004Z" }],
    ["recordTime and eventID added", { ...base, recordTime: "2024-01-01T00:00:00Z", eventID: "urn:uuid:1" }],
    [
      "business transaction with keys swapped",
      { ...base, bizTransactionList: [{ bizTransaction: "http://transaction.acme.com/po/12345678", type: "po" }] },
    ],
  ])("is unchanged by %s", (_, variant) => {
    expect(eventHashId(variant, { context: doc["@context"] })).toBe(id);
  });

  it.each([
    [
      "another serial",
      { ...base, epcList: ["urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2019"] },
    ],
    ["another time", { ...base, eventTime: "2022-02-16T20:33:31.117000-06:00" }],
    ["another disposition", { ...base, disposition: "in_progress" }],
    ["an extension added", { ...base, "example:x": "1" }],
    ["the business transaction removed", { ...base, bizTransactionList: [] }],
  ])("changes with %s", (_, variant) => {
    expect(
      eventHashId(variant, { context: [...(doc["@context"] as unknown[]), { example: "https://ns.example.com/" }] }),
    ).not.toBe(id);
  });

  it("GS1's example eventIDs come from the draft algorithm without rules 14-18 (see vectors README)", () => {
    const gs1 = readVectors<Doc>("epcis/accept/gs1-Example_9.6.1-ObjectEvent.json");
    const draft =
      "eventType=ObjectEventeventTime=2005-04-04T02:33:31.116ZeventTimeZoneOffset=-06:00" +
      "epcListepc=urn:epc:id:sgtin:0614141.107346.2017epc=urn:epc:id:sgtin:0614141.107346.2018action=OBSERVE" +
      "bizStep=urn:epcglobal:cbv:bizstep:shippingdisposition=urn:epcglobal:cbv:disp:in_transit" +
      "readPointid=urn:epc:id:sgln:0614141.07346.1234" +
      "bizTransactionListbizTransaction=http://transaction.acme.com/po/12345678type=urn:epcglobal:cbv:btt:po";
    const digest = createHash("sha256").update(draft).digest("hex");
    expect(gs1.epcisBody.eventList[0].eventID).toBe(`ni:///sha-256;${digest}?ver=CBV2.0`);
    expect(documentEventHashIds(gs1)[0]).not.toBe(gs1.epcisBody.eventList[0].eventID);
  });

  it("expands bare sensor types and numbers like the reference", () => {
    const event = {
      type: "ObjectEvent",
      eventTime: "2024-01-01T00:00:00Z",
      eventTimeZoneOffset: "+00:00",
      action: "OBSERVE",
      epcList: [],
      sensorElementList: [
        {
          sensorReport: [
            { type: "Temperature", value: 26.0, uom: "CEL" },
            { type: "Speed", value: 1.5e-5 },
          ],
        },
      ],
    };
    expect(eventPrehashString(event)).toBe(
      "eventType=ObjectEventeventTime=2024-01-01T00:00:00.000ZeventTimeZoneOffset=+00:00action=OBSERVE" +
        "sensorElementListsensorElementsensorReporttype=https://gs1.org/voc/Speedvalue=1.5e-05" +
        "sensorReporttype=https://gs1.org/voc/Temperaturevalue=26uom=CEL",
    );
  });
});
