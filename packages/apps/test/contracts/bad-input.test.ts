/**
 * Every bad input of issue 5 is refused with its coded error, a message
 * naming the event, reading or field at fault, and no change of state: the
 * ledger's committed state is compared before and after each rejection.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { readVectors } from "../helpers.ts";
import {
  aggregationEvent,
  at,
  DISTRIBUTOR_SITE,
  distributor,
  epcisDocument,
  FACTORY_SITE,
  factory,
  iotAdmin,
  itemUri,
  objectEvent,
  pharmacy,
  readings,
  receive,
  regulator,
  ship,
  sscc,
  ssccUri,
  VACCINE,
} from "./helpers/fixtures.ts";
import { ed25519Key } from "./helpers/keys.ts";
import { type TestIdentity, TestLedger } from "./helpers/ledger.ts";

let ledger: TestLedger;

/** Submits and expects a rejection with `code` and a message matching `message`, leaving state as it was. */
async function rejects(who: TestIdentity, fn: string, args: string[], code: string, message: RegExp): Promise<string> {
  const before = ledger.snapshot();
  const result = await ledger.submit(who, fn, args);
  expect(result.code, result.message).toBe(code);
  expect(result.message).toMatch(message);
  expect(ledger.snapshot(), `${fn} changed state although it failed`).toBe(before);
  return result.message;
}

async function accepted(who: TestIdentity, fn: string, args: string[]) {
  const result = await ledger.submit(who, fn, args);
  expect(result.message).toBe("");
  return result;
}

beforeEach(async () => {
  ledger = new TestLedger();
  await accepted(factory, "Products:RegisterItems", [VACCINE, "L1", "271231", '["A1","A2","A3"]']);
});

describe("malformed EPCIS", () => {
  const dir = join(import.meta.dirname, "..", "vectors", "epcis", "reject");
  const names = readdirSync(dir).filter((name) => name.endsWith(".json") && !name.endsWith(".expected.json"));

  it.each(names)("refuses %s listing every problem with event, field path and code", async (name) => {
    const doc = readVectors<unknown>(`epcis/reject/${name}`);
    const expected = readVectors<{ problems: Array<{ eventIndex: number | null; path: string; code: string }> }>(
      `epcis/reject/${name.replace(/\.json$/, ".expected.json")}`,
    );
    const message = await rejects(
      factory,
      "Epcis:Capture",
      [JSON.stringify(doc)],
      "EPCIS_DOCUMENT_INVALID",
      /nothing was captured/,
    );
    for (const p of expected.problems) {
      const where = p.eventIndex === null ? "document" : `event ${p.eventIndex}`;
      expect(message, `${name}: ${where} ${p.path}`).toContain(where);
      expect(message, `${name}: ${p.path} [${p.code}]`).toContain(`${p.path || "(root)"}: `);
      expect(message, name).toContain(`[${p.code}]`);
    }
  });

  it("refuses text that is not JSON, a document of no events, and a query document", async () => {
    await rejects(factory, "Epcis:Capture", ["{not json"], "EPCIS_DOCUMENT_INVALID", /not JSON/);
    await rejects(factory, "Epcis:Capture", [epcisDocument([])], "EPCIS_DOCUMENT_INVALID", /no events/);
    const query = JSON.parse(epcisDocument([objectEvent(at(8), "OBSERVE", [itemUri("A1")])]));
    query.type = "EPCISQueryDocument";
    query.epcisBody = { queryResults: { resultsBody: { eventList: query.epcisBody.eventList } } };
    await rejects(
      factory,
      "Epcis:Capture",
      [JSON.stringify(query)],
      "EPCIS_DOCUMENT_INVALID",
      /document type: capture takes an "EPCISDocument"/,
    );
  });

  it("names each bad event of a document with several, and captures none of the good ones", async () => {
    const doc = epcisDocument([
      objectEvent(at(8), "OBSERVE", [itemUri("A1")], { bizStep: "shipping" }),
      objectEvent(at(8), "OBSERVE", [itemUri("A2")], { bizStep: "shiping" }),
      { ...objectEvent(at(8), "OBSERVE", [itemUri("A3")]), eventTimeZoneOffset: undefined, eventID: "urn:uuid:3" },
    ]);
    const message = await rejects(factory, "Epcis:Capture", [doc], "EPCIS_DOCUMENT_INVALID", /2 problem\(s\)/);
    expect(message).toMatch(/event 1 bizStep: .*\[EPCIS_VOCABULARY_UNKNOWN\]/);
    expect(message).toMatch(/event 2 \(eventID urn:uuid:3\) eventTimeZoneOffset: .*\[EPCIS_FIELD_MISSING\]/);
  });
});

describe("unknown identifiers", () => {
  it("refuses a serial or lot of a registered GTIN that its maker never registered", async () => {
    const doc = epcisDocument([
      objectEvent(at(8), "ADD", [itemUri("A1")], { bizStep: "commissioning" }),
      objectEvent(at(9), "OBSERVE", [itemUri("A2"), itemUri("A9")], { bizStep: "inspecting" }),
    ]);
    await rejects(
      factory,
      "Epcis:Capture",
      [doc],
      "EPCIS_IDENTIFIER_UNKNOWN",
      /^event 1 epcList\[1\]: .*\/21\/A9 is unknown: GTIN .* registered by FactoryMSP, which has not registered serial A9/,
    );
    const lot = epcisDocument([
      objectEvent(at(8), "OBSERVE", [], {
        quantityList: [{ epcClass: `https://id.gs1.org/01/${VACCINE}/10/L7`, quantity: 10 }],
      }),
    ]);
    await rejects(
      factory,
      "Epcis:Capture",
      [lot],
      "EPCIS_IDENTIFIER_UNKNOWN",
      /event 0 quantityList\[0\]\.epcClass: .* has not registered lot L7/,
    );
    expect((await ledger.evaluate(factory, "Epcis:Query", ["{}"])).value).toMatchObject({ events: [] });
  });

  it("refuses lookups, readings and recalls of identifiers the chain does not know", async () => {
    expect((await ledger.evaluate(factory, "Products:Get", [itemUri("A9")])).code).toBe("APP_NOT_FOUND");
    expect((await ledger.evaluate(factory, "Products:Get", [ssccUri(sscc(5))])).code).toBe("APP_NOT_FOUND");
    await rejects(
      factory,
      "Recall:RecallBatch",
      [VACCINE, "L9", "test"],
      "APP_NOT_FOUND",
      /batch 01\/.*\/10\/L9 is not registered/,
    );
  });
});

describe("events that contradict custody", () => {
  it("refuses shipping what the capturer does not hold, naming event and item", async () => {
    const doc = epcisDocument([ship(at(9), [itemUri("A1")], DISTRIBUTOR_SITE)]);
    await rejects(
      distributor,
      "Epcis:Capture",
      [doc],
      "EPCIS_CUSTODY_VIOLATION",
      /^event 0: 01\/\d{14}\/21\/A1 is held by FactoryMSP, not by DistributorMSP: only its custodian ships it/,
    );
  });

  it("refuses receiving what was not shipped, or before it was shipped", async () => {
    await rejects(
      distributor,
      "Epcis:Capture",
      [epcisDocument([receive(at(9), [itemUri("A1")], DISTRIBUTOR_SITE)])],
      "EPCIS_CUSTODY_VIOLATION",
      /event 0: .*A1 is held by FactoryMSP and was not shipped/,
    );
    await accepted(factory, "Epcis:Capture", [epcisDocument([ship(at(10), [itemUri("A1")], FACTORY_SITE)])]);
    await rejects(
      distributor,
      "Epcis:Capture",
      [epcisDocument([receive(at(9), [itemUri("A1")], DISTRIBUTOR_SITE)])],
      "EPCIS_CUSTODY_VIOLATION",
      /received at .* before it was shipped/,
    );
  });

  it("refuses receiving a shipment addressed to another member's registered party, and party GLNs claimed twice", async () => {
    const gln = "0614141000029";
    await accepted(pharmacy, "Products:RegisterParty", [gln]);
    await rejects(distributor, "Products:RegisterParty", [gln], "APP_FORBIDDEN", /registered to PharmacyMSP already/);
    await rejects(distributor, "Products:RegisterParty", ["0614141000028"], "GS1_KEY_INVALID", /not a party GLN/);
    const toPharmacy = {
      ...ship(at(10), [itemUri("A1")], FACTORY_SITE),
      destinationList: [{ type: "owning_party", destination: "urn:epc:id:pgln:0614141.00002" }],
    };
    await accepted(factory, "Epcis:Capture", [epcisDocument([toPharmacy])]);
    await rejects(
      distributor,
      "Epcis:Capture",
      [epcisDocument([receive(at(11), [itemUri("A1")], DISTRIBUTOR_SITE)])],
      "EPCIS_CUSTODY_VIOLATION",
      /A1 was shipped to PharmacyMSP \(its destinationList\), not to DistributorMSP/,
    );
    await accepted(pharmacy, "Epcis:Capture", [epcisDocument([receive(at(11), [itemUri("A1")], DISTRIBUTOR_SITE)])]);
    // A destination nobody registered restricts nothing.
    const toUnknown = {
      ...ship(at(12), [itemUri("A2")], FACTORY_SITE),
      destinationList: [{ type: "owning_party", destination: "https://id.gs1.org/417/4000001000005" }],
    };
    await accepted(factory, "Epcis:Capture", [epcisDocument([toUnknown])]);
    await accepted(distributor, "Epcis:Capture", [epcisDocument([receive(at(13), [itemUri("A2")], DISTRIBUTOR_SITE)])]);
  });

  it("refuses packing or transforming what another organisation holds, and discards the valid events before", async () => {
    const doc = epcisDocument([
      objectEvent(at(8), "ADD", [ssccUri(sscc(1))], { bizStep: "commissioning" }),
      aggregationEvent(at(9), "ADD", ssccUri(sscc(1)), [itemUri("A2")], { bizStep: "packing" }),
    ]);
    await rejects(
      distributor,
      "Epcis:Capture",
      [doc],
      "EPCIS_CUSTODY_VIOLATION",
      /^event 1: .*A2 is held by FactoryMSP, not by DistributorMSP; only its custodian may pack it/,
    );
    expect((await ledger.evaluate(factory, "Products:Get", [ssccUri(sscc(1))])).code).toBe("APP_NOT_FOUND");
    const transform = epcisDocument([
      {
        type: "TransformationEvent",
        eventTime: at(9),
        eventTimeZoneOffset: "+00:00",
        inputEPCList: [itemUri("A3")],
        outputEPCList: ["urn:epc:id:giai:4000001.1"],
        bizStep: "commissioning",
      },
    ]);
    await rejects(
      distributor,
      "Epcis:Capture",
      [transform],
      "EPCIS_CUSTODY_VIOLATION",
      /event 0: .*A3 is held by FactoryMSP.*may transform it/,
    );
  });

  it("refuses putting a unit into a second container, or a container into itself", async () => {
    const [c1, c2] = [ssccUri(sscc(1)), ssccUri(sscc(2))];
    await accepted(factory, "Epcis:Capture", [
      epcisDocument([aggregationEvent(at(8), "ADD", c1, [itemUri("A1")], { bizStep: "packing" })]),
    ]);
    await rejects(
      factory,
      "Epcis:Capture",
      [epcisDocument([aggregationEvent(at(9), "ADD", c2, [itemUri("A1")], { bizStep: "packing" })])],
      "EPCIS_CONTAINMENT_INVALID",
      /event 0: .*A1 is already inside 00\/.*; capture an AggregationEvent DELETE from it first/,
    );
    await accepted(factory, "Epcis:Capture", [
      epcisDocument([aggregationEvent(at(9), "ADD", c2, [c1], { bizStep: "packing" })]),
    ]);
    await rejects(
      factory,
      "Epcis:Capture",
      [epcisDocument([aggregationEvent(at(10), "ADD", c1, [c2], { bizStep: "packing" })])],
      "EPCIS_CONTAINMENT_INVALID",
      /cannot go into .*, which is inside it/,
    );
    await rejects(
      factory,
      "Epcis:Capture",
      [epcisDocument([aggregationEvent(at(10), "DELETE", c1, [itemUri("A2")], { bizStep: "unpacking" })])],
      "EPCIS_CONTAINMENT_INVALID",
      /A2 is not inside/,
    );
  });
});

describe("duplicate events", () => {
  it("refuses an event captured before, naming it and the transaction that holds it", async () => {
    const doc = epcisDocument([
      objectEvent(at(8), "OBSERVE", [itemUri("A1")], { bizStep: "inspecting", eventID: "urn:uuid:e1" }),
    ]);
    const first = await accepted(factory, "Epcis:Capture", [doc]);
    await rejects(
      factory,
      "Epcis:Capture",
      [doc],
      "EPCIS_EVENT_DUPLICATE",
      new RegExp(`^event 0 \\(eventID urn:uuid:e1\\) was already captured by FactoryMSP in transaction ${first.txId}`),
    );
  });

  it("refuses the same event twice in one document, whatever its form (the CBV 2.0 event hash)", async () => {
    const event = objectEvent(at(8), "OBSERVE", [itemUri("A1")], { bizStep: "inspecting" });
    const sameInUrnForm = objectEvent(at(8), "OBSERVE", [itemUri("A1")], {
      bizStep: "urn:epcglobal:cbv:bizstep:inspecting",
    });
    await rejects(
      factory,
      "Epcis:Capture",
      [epcisDocument([event, sameInUrnForm])],
      "EPCIS_EVENT_DUPLICATE",
      /^event 1 repeats event 0/,
    );
  });
});

describe("readings from unknown or revoked devices, and bad readings", () => {
  const logger = "urn:dev:logger-1";
  const batch = `01/${VACCINE}/10/L1`;
  const nowish = () => ledger.timeMs - 3_600_000;

  beforeEach(async () => {
    await accepted(factory, "ColdChain:SetProfile", [VACCINE, "vaccine2to8"]);
    await accepted(iotAdmin, "Devices:Register", [logger, ed25519Key(3).jwk]);
  });

  it("refuses every reading of an unregistered device", async () => {
    await rejects(
      iotAdmin,
      "ColdChain:RecordReadings",
      [batch, "urn:dev:ghost", JSON.stringify(readings(nowish(), 1, 5))],
      "DEVICE_UNKNOWN",
      /readingsJson of device urn:dev:ghost \(all readings refused\): device urn:dev:ghost is not registered/,
    );
  });

  it("refuses every reading of a revoked device, even readings it took before", async () => {
    await accepted(iotAdmin, "Devices:Revoke", [logger, "key extracted"]);
    await rejects(
      iotAdmin,
      "ColdChain:RecordReadings",
      [batch, logger, JSON.stringify(readings(nowish(), 1, 5))],
      "DEVICE_REVOKED",
      /device urn:dev:logger-1 was revoked by ColdLogMSP .* \(key extracted\)/,
    );
  });

  it("refuses a batch with a malformed or future reading, naming it, and keeps none of the others", async () => {
    const series = readings(nowish(), 1, 5) as Array<{ timeMs: number; celsius: unknown }>;
    series[1].celsius = "cold";
    await rejects(
      iotAdmin,
      "ColdChain:RecordReadings",
      [batch, logger, JSON.stringify(series)],
      "COLDCHAIN_READING_INVALID",
      /^readingsJson\[1\]: celsius must be a temperature/,
    );
    const future = readings(ledger.timeMs + 3_600_000, 0, 5);
    await rejects(
      iotAdmin,
      "ColdChain:RecordReadings",
      [batch, logger, JSON.stringify(future)],
      "COLDCHAIN_READING_INVALID",
      /readingsJson\[0\]: timeMs .* is after block time/,
    );
    await rejects(
      iotAdmin,
      "ColdChain:RecordReadings",
      [batch, logger, "[]"],
      "COLDCHAIN_READING_INVALID",
      /1 to 2000 readings/,
    );
  });

  it("refuses readings sent by another organisation than the device's operator, and products without a profile", async () => {
    await rejects(
      factory,
      "ColdChain:RecordReadings",
      [batch, logger, JSON.stringify(readings(nowish(), 1, 5))],
      "APP_FORBIDDEN",
      /for ColdLogMSP only/,
    );
    await accepted(factory, "Products:RegisterItem", ["04012345000016", "K1", "S1", "271231"]);
    await rejects(
      iotAdmin,
      "ColdChain:RecordReadings",
      ["https://id.gs1.org/01/04012345000016/10/K1", logger, JSON.stringify(readings(nowish(), 1, 5))],
      "COLDCHAIN_PROFILE_MISSING",
      /GTIN 04012345000016 has no cold-chain profile/,
    );
    await rejects(
      factory,
      "ColdChain:SetProfile",
      [VACCINE, "arctic"],
      "COLDCHAIN_PROFILE_INVALID",
      /"arctic" is not a preset/,
    );
    await rejects(
      factory,
      "ColdChain:SetProfile",
      [VACCINE, '{"minC": 8, "maxC": 2, "singleExcursionMaxMs": 1, "cumulativeExcursionMaxMs": 1, "maxGapMs": 1}'],
      "COLDCHAIN_PROFILE_INVALID",
      /minC \(8\) must be below maxC \(2\)/,
    );
  });
});

describe("registrations, permissions and arguments", () => {
  it("refuses malformed GS1 values naming them", async () => {
    await rejects(
      factory,
      "Products:RegisterItem",
      ["09506000134353", "L1", "S1", "271231"],
      "GS1_CHECK_DIGIT_INVALID",
      /^gtin: check digit/,
    );
    await rejects(
      factory,
      "Products:RegisterItem",
      [VACCINE, "L 1", "S1", "271231"],
      "GS1_AI_VALUE_INVALID",
      /\(10\) batch\/lot: character " "/,
    );
    await rejects(
      factory,
      "Products:RegisterItem",
      [VACCINE, "L1", "S1", "271331"],
      "GS1_DATE_INVALID",
      /\(17\) expiry date: month 13/,
    );
    await rejects(
      factory,
      "Products:RegisterBatch",
      [VACCINE, "L5", "271231", "many"],
      "APP_ARGS_INVALID",
      /quantity must be a whole number/,
    );
    await rejects(
      factory,
      "Products:RegisterItem",
      [VACCINE, "L1", "S1", "271231", "[1]"],
      "APP_ARGS_INVALID",
      /attributesJson must be a JSON object/,
    );
  });

  it("refuses duplicates, another maker's GTIN, a lot's other expiry, and wrong argument counts", async () => {
    await rejects(
      factory,
      "Products:RegisterItem",
      [VACCINE, "L1", "A1", "271231"],
      "APP_ALREADY_EXISTS",
      /item 01\/.*\/21\/A1 is already registered/,
    );
    await rejects(
      factory,
      "Products:RegisterItems",
      [VACCINE, "L1", "271231", '["B1","B1"]'],
      "APP_ARGS_INVALID",
      /serialsJson\[1\] repeats serial B1/,
    );
    await rejects(
      distributor,
      "Products:RegisterItem",
      [VACCINE, "L2", "A1", "271231"],
      "APP_FORBIDDEN",
      /GTIN .* is made by FactoryMSP/,
    );
    await rejects(
      factory,
      "Products:RegisterItem",
      [VACCINE, "L1", "B1", "281231"],
      "APP_STATE_CONFLICT",
      /expires 271231 .* the items say 281231/,
    );
    await rejects(
      factory,
      "Products:RegisterItem",
      [VACCINE, "L1"],
      "APP_ARGS_INVALID",
      /Products:RegisterItem\(gtin, lot, serial, expiry, attributesJson\?\) takes 4 to 5 arguments, got 2/,
    );
    await rejects(
      factory,
      "Recall:RecallBatch",
      [VACCINE, "L1"],
      "CONTRACT_ARGS_INVALID",
      /Expected 3 parameters, but 2 have been supplied/,
    );
    await rejects(factory, "Products:Unknown", [], "CONTRACT_FUNCTION_UNKNOWN", /does not exist/);
  });

  it("lets only the maker or a regulator recall, and only once", async () => {
    await rejects(
      distributor,
      "Recall:RecallBatch",
      [VACCINE, "L1", "rumour"],
      "APP_FORBIDDEN",
      /only FactoryMSP .* or a regulator/,
    );
    const recall = await accepted(regulator, "Recall:RecallBatch", [VACCINE, "L1", "contamination"]);
    expect(recall.events).toEqual([
      { name: "RecallNotice", payload: expect.objectContaining({ holder: "FactoryMSP", units: 3, regulator: true }) },
    ]);
    await rejects(
      factory,
      "Recall:RecallBatch",
      [VACCINE, "L1", "again"],
      "APP_STATE_CONFLICT",
      /already recalled by HealthAuthorityMSP/,
    );
    await rejects(
      factory,
      "Products:RegisterItem",
      [VACCINE, "L1", "B7", "271231"],
      "APP_STATE_CONFLICT",
      /is recalled; no items can be added/,
    );
  });
});
