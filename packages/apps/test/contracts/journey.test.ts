/**
 * A vaccine's journey through the contracts, one transaction per step as on
 * the chain: registration at the factory, packing into cases and a pallet,
 * shipping and receiving along factory → distributor → pharmacy, queries,
 * trace and the Digital Link answer, a cold-chain excursion that
 * quarantines a lot, a recall that reaches every holder, and the
 * pharmacist's verification answering each of its six results.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  aggregationEvent,
  at,
  DISTRIBUTOR,
  DISTRIBUTOR_SITE,
  distributor,
  epcisDocument,
  FACTORY,
  FACTORY_SITE,
  factory,
  factoryQp,
  iotAdmin,
  itemUri,
  objectEvent,
  PHARMACY,
  PHARMACY_SITE,
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
import { TestLedger, type TxResult } from "./helpers/ledger.ts";

const CASE_1 = ssccUri(sscc(1));
const CASE_2 = ssccUri(sscc(2));
const CASE_3 = ssccUri(sscc(3));
const PALLET = ssccUri(sscc(9));
const LOT1 = ["A1", "A2", "A3", "A4"];
const LOT2 = ["B1", "B2"];
const key = (serial: string) => `01/${VACCINE}/21/${serial}`;

function ok(result: TxResult): TxResult {
  expect(result.message, `${result.code}: ${result.message}`).toBe("");
  expect(result.status).toBe(200);
  return result;
}

describe("a vaccine from factory to pharmacy", () => {
  const ledger = new TestLedger();

  beforeAll(async () => {
    ok(await ledger.submit(factory, "Products:RegisterBatch", [VACCINE, "L1", "271231", "4", '{"plant":"Basel"}']));
    ok(await ledger.submit(factory, "Products:RegisterItems", [VACCINE, "L1", "271231", JSON.stringify(LOT1)]));
    ok(await ledger.submit(factory, "Products:RegisterItems", [VACCINE, "L2", "271231", JSON.stringify(LOT2)]));
    ok(await ledger.submit(factory, "Products:RegisterItem", [VACCINE, "L3", "X1", "240131"]));
    ok(await ledger.submit(factory, "ColdChain:SetProfile", [VACCINE, "vaccine2to8"]));
  });

  it("registers items with canonical keys, Digital Links and the factory as custodian", async () => {
    const got = ok(await ledger.evaluate(pharmacy, "Products:Get", [itemUri("A1")])).value as Record<string, unknown>;
    expect(got).toMatchObject({ key: key("A1"), kind: "item", status: "active", custodian: FACTORY, containers: [] });
    expect(got.item).toMatchObject({
      lot: "L1",
      digitalLink: `https://id.gs1.org/01/${VACCINE}/10/L1/21/A1?17=271231`,
    });
    const batch = ok(await ledger.evaluate(pharmacy, "Products:Get", [`01/${VACCINE}/10/L1`])).value as Record<
      string,
      unknown
    >;
    expect(batch).toMatchObject({ kind: "batch", status: "active", holders: [{ org: FACTORY, units: 4 }] });
    expect(batch.batch).toMatchObject({
      quantity: 4,
      itemCount: 4,
      expiryDate: "2027-12-31",
      attributes: { plant: "Basel" },
    });
  });

  it("packs items into cases and a pallet and ships the pallet (the factory's own capture)", async () => {
    const doc = epcisDocument([
      objectEvent(
        at(8),
        "ADD",
        LOT1.map((s) => itemUri(s)),
        { bizStep: "commissioning", disposition: "active", readPoint: { id: FACTORY_SITE } },
      ),
      aggregationEvent(at(8, 30), "ADD", CASE_1, [itemUri("A1"), itemUri("A2")], {
        bizStep: "packing",
        readPoint: { id: FACTORY_SITE },
      }),
      aggregationEvent(at(8, 31), "ADD", CASE_2, [itemUri("A3"), itemUri("A4")], {
        bizStep: "packing",
        readPoint: { id: FACTORY_SITE },
      }),
      aggregationEvent(
        at(8, 32),
        "ADD",
        CASE_3,
        LOT2.map((s) => itemUri(s)),
        { bizStep: "packing", readPoint: { id: FACTORY_SITE } },
      ),
      aggregationEvent(at(9), "ADD", PALLET, [CASE_1, CASE_2, CASE_3], {
        bizStep: "loading",
        readPoint: { id: FACTORY_SITE },
      }),
      ship(at(10), [PALLET], FACTORY_SITE),
    ]);
    const captured = ok(await ledger.submit(factory, "Epcis:Capture", [doc]));
    const answer = captured.value as { captured: number; events: Array<{ hash: string }> };
    expect(answer.captured).toBe(6);
    expect(answer.events.every((e) => /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/.test(e.hash))).toBe(true);
    expect(captured.events[0]).toMatchObject({ name: "EpcisCaptured", payload: { capturer: FACTORY } });
    const item = ok(await ledger.evaluate(pharmacy, "Products:Get", [itemUri("A1")])).value;
    expect(item).toMatchObject({ custodian: FACTORY, inTransit: true, containers: [`00/${sscc(1)}`, `00/${sscc(9)}`] });
    const pallet = ok(await ledger.evaluate(pharmacy, "Products:Get", [PALLET])).value as { contents: unknown[] };
    expect(pallet.contents).toEqual([
      { batchKey: `01/${VACCINE}/10/L1`, units: 4, status: "active" },
      { batchKey: `01/${VACCINE}/10/L2`, units: 2, status: "active" },
    ]);
  });

  it("moves custody of everything on the pallet when the distributor receives it, then on to the pharmacy", async () => {
    ok(
      await ledger.submit(distributor, "Epcis:Capture", [
        epcisDocument([
          receive(at(12), [PALLET], DISTRIBUTOR_SITE),
          aggregationEvent(at(12, 30), "DELETE", PALLET, [], {
            bizStep: "unloading",
            readPoint: { id: DISTRIBUTOR_SITE },
          }),
          ship(at(14), [CASE_2], DISTRIBUTOR_SITE),
        ]),
      ]),
    );
    expect(ok(await ledger.evaluate(pharmacy, "Products:Get", [itemUri("A3")])).value).toMatchObject({
      custodian: DISTRIBUTOR,
      inTransit: true,
      containers: [`00/${sscc(2)}`],
    });
    ok(await ledger.submit(pharmacy, "Epcis:Capture", [epcisDocument([receive(at(16), [CASE_2], PHARMACY_SITE)])]));
    expect(ok(await ledger.evaluate(pharmacy, "Products:Get", [itemUri("A3")])).value).toMatchObject({
      custodian: PHARMACY,
      inTransit: false,
    });
    expect(ok(await ledger.evaluate(pharmacy, "Products:Get", [itemUri("A1")])).value).toMatchObject({
      custodian: DISTRIBUTOR,
    });
    const batch = ok(await ledger.evaluate(pharmacy, "Products:Get", [`01/${VACCINE}/10/L1`])).value;
    expect(batch).toMatchObject({
      holders: [
        { org: DISTRIBUTOR, units: 2 },
        { org: PHARMACY, units: 2 },
      ],
    });
  });

  it("answers EPCIS queries by EPC, business step and time, page by page", async () => {
    const byEpc = ok(await ledger.evaluate(pharmacy, "Epcis:Query", [JSON.stringify({ MATCH_epc: [itemUri("A3")] })]))
      .value as { index: string; events: Array<{ bizStep: string }> };
    expect(byEpc.index).toBe("ev.epc");
    expect(byEpc.events.map((e) => e.bizStep)).toEqual(["commissioning", "packing"]);
    const shipping = ok(
      await ledger.evaluate(pharmacy, "Epcis:Query", [JSON.stringify({ EQ_bizStep: "shipping", perPage: 1 })]),
    ).value as { events: Array<{ capturer: string }>; nextPageToken?: string };
    expect(shipping.events.map((e) => e.capturer)).toEqual([FACTORY]);
    expect(shipping.nextPageToken).toMatch(/^\d{15}\.[0-9a-f]{64}$/);
    const next = ok(
      await ledger.evaluate(pharmacy, "Epcis:Query", [
        JSON.stringify({ EQ_bizStep: "shipping", perPage: 1, nextPageToken: shipping.nextPageToken }),
      ]),
    ).value as { events: Array<{ capturer: string }>; nextPageToken?: string };
    expect(next.events.map((e) => e.capturer)).toEqual([DISTRIBUTOR]);
    expect(next.nextPageToken).toBeUndefined();
    const window = ok(
      await ledger.evaluate(pharmacy, "Epcis:Query", [
        JSON.stringify({ GE_eventTime: at(12), LT_eventTime: at(16), eventType: ["ObjectEvent"] }),
      ]),
    ).value as { events: Array<{ bizStep: string }> };
    expect(window.events.map((e) => e.bizStep)).toEqual(["receiving", "shipping"]);
    const atPharmacy = ok(
      await ledger.evaluate(pharmacy, "Epcis:Query", [
        JSON.stringify({ EQ_bizLocation: "https://id.gs1.org/414/0614141000036" }),
      ]),
    ).value as { index: string; events: unknown[] };
    expect(atPharmacy.index).toBe("ev.loc");
    expect(atPharmacy.events).toHaveLength(1);
    const bad = await ledger.evaluate(pharmacy, "Epcis:Query", [JSON.stringify({ EQ_flavour: "x" })]);
    expect(bad.code).toBe("EPCIS_QUERY_INVALID");
  });

  it("traces an item backward through its case and the pallet, and a case forward", async () => {
    const back = ok(await ledger.evaluate(pharmacy, "Epcis:Trace", [itemUri("A3"), "backward"])).value as {
      nodes: Array<{ bizStep: string; capturer: string; txId: string }>;
      epcs: string[];
    };
    expect(back.nodes.map((n) => `${n.capturer}:${n.bizStep}`)).toEqual([
      `${FACTORY}:commissioning`,
      `${FACTORY}:packing`,
      `${FACTORY}:loading`,
      `${FACTORY}:shipping`,
      `${DISTRIBUTOR}:receiving`,
      `${DISTRIBUTOR}:unloading`,
      `${DISTRIBUTOR}:shipping`,
      `${PHARMACY}:receiving`,
    ]);
    expect(back.epcs).toEqual(expect.arrayContaining([key("A3"), `00/${sscc(2)}`, `00/${sscc(9)}`]));
    const forward = ok(await ledger.evaluate(pharmacy, "Epcis:Trace", [CASE_1, "forward"])).value as { epcs: string[] };
    expect(forward.epcs).toEqual(expect.arrayContaining([key("A1"), key("A2")]));
    expect((await ledger.evaluate(pharmacy, "Epcis:Trace", [CASE_1, "sideways"])).code).toBe("APP_ARGS_INVALID");
  });

  it("resolves a Digital Link QR code to the item's provenance", async () => {
    const answer = ok(
      await ledger.evaluate(pharmacy, "Products:Resolve", [`https://id.gs1.org/01/${VACCINE}/10/L1/21/A3?17=271231`]),
    ).value as Record<string, unknown> & { events: Array<{ bizStep: string; via: string; txId: string }> };
    expect(answer).toMatchObject({ key: key("A3"), status: "active", custodian: PHARMACY, eventsTruncated: false });
    expect(answer.events.map((e) => e.bizStep)).toEqual([
      "commissioning",
      "packing",
      "loading",
      "shipping",
      "receiving",
      "unloading",
      "shipping",
      "receiving",
    ]);
    const [item, case2, pallet] = [key("A3"), `00/${sscc(2)}`, `00/${sscc(9)}`];
    expect(answer.events.map((e) => e.via)).toEqual([item, item, case2, pallet, pallet, pallet, case2, case2]);
    expect(answer.events.every((e) => /^[0-9a-f]{64}$/.test(e.txId))).toBe(true);
    expect(
      (await ledger.evaluate(pharmacy, "Products:Resolve", ["https://id.gs1.org/01/09506000134353/21/A3"])).code,
    ).toBe("GS1_CHECK_DIGIT_INVALID");
    expect((await ledger.evaluate(pharmacy, "Products:Resolve", [itemUri("ZZ")])).code).toBe("APP_NOT_FOUND");
  });

  it("raises a cold-chain excursion naming batch, device, readings and custodian, and quarantines the batch", async () => {
    ok(await ledger.submit(iotAdmin, "Devices:Register", ["urn:dev:logger-7", ed25519Key(7).didKey]));
    const start = Date.parse(at(13));
    const normal = ok(
      await ledger.submit(iotAdmin, "ColdChain:RecordReadings", [
        CASE_3,
        "urn:dev:logger-7",
        JSON.stringify(readings(start - 3_600_000, 0.5, 5)),
      ]),
    );
    expect(normal.events).toEqual([]);
    const warm = ok(
      await ledger.submit(iotAdmin, "ColdChain:RecordReadings", [
        CASE_3,
        "urn:dev:logger-7",
        JSON.stringify(readings(start, 10.5, 12)),
      ]),
    );
    const answer = warm.value as { batches: Array<{ batch: string; newAlarms: string[]; status: string }> };
    expect(answer.batches).toMatchObject([
      { batch: `01/${VACCINE}/10/L2`, newAlarms: ["single-excursion@1735736400000"], status: "quarantined" },
    ]);
    expect(warm.events).toHaveLength(1);
    const excursion = warm.events[0];
    expect(excursion.name).toBe("Excursion");
    expect(excursion.payload).toMatchObject({
      batch: `01/${VACCINE}/10/L2`,
      deviceId: "urn:dev:logger-7",
      custodian: DISTRIBUTOR,
      quarantined: true,
    });
    const first = (
      excursion.payload.excursions as Array<{ readings: Array<{ celsius: number }>; custodian: string }>
    )[0];
    expect(first.readings.length).toBeGreaterThan(20);
    expect(first.readings.every((r) => r.celsius === 12)).toBe(true);
    const again = ok(
      await ledger.submit(iotAdmin, "ColdChain:RecordReadings", [
        `01/${VACCINE}/10/L2`,
        "urn:dev:logger-7",
        JSON.stringify(readings(start + 10.75 * 3_600_000, 0, 12)),
      ]),
    );
    expect(again.events).toEqual([]);
    const status = ok(await ledger.evaluate(pharmacy, "ColdChain:Status", [`01/${VACCINE}/10/L2`])).value as {
      status: string;
      series: Array<{ alarmCount: number; evaluation: { mktC: number } }>;
    };
    expect(status.status).toBe("quarantined");
    expect(status.series[0].alarmCount).toBe(1);
    expect(status.series[0].evaluation.mktC).toBeGreaterThan(11);
  });

  it("answers the pharmacist's check with each of its six results", async () => {
    const verify = async (lot: string, serial: string, expiry: string) =>
      ok(await ledger.evaluate(pharmacy, "Verify:Drug", [VACCINE, lot, serial, expiry])).value as {
        result: string;
        reason: string;
        txIds?: string[];
      };
    expect(await verify("L1", "A3", "271231")).toMatchObject({ result: "verified" });
    expect(await verify("L1", "A9", "271231")).toMatchObject({ result: "unknown" });
    expect(await verify("L9", "A3", "271231")).toMatchObject({ result: "mismatched" });
    expect(await verify("L1", "A3", "281231")).toMatchObject({ result: "mismatched" });
    expect(await verify("L2", "B1", "271231")).toMatchObject({ result: "quarantined" });
    expect(await verify("L3", "X1", "240131")).toMatchObject({ result: "expired" });
    const recall = ok(
      await ledger.submit(factory, "Recall:RecallBatch", [VACCINE, "L1", "sterility failure in fill line 2"]),
    );
    expect(recall.events.map((e) => [e.name, e.payload.holder, e.payload.units])).toEqual([
      ["RecallNotice", DISTRIBUTOR, 2],
      ["RecallNotice", PHARMACY, 2],
    ]);
    const recalled = await verify("L1", "A3", "271231");
    expect(recalled).toMatchObject({ result: "recalled" });
    expect(recalled.txIds).toContain(recall.txId);
    expect(ok(await ledger.evaluate(pharmacy, "Products:Get", [CASE_1])).value).toMatchObject({ status: "recalled" });
  });

  it("lets only a qualified person of the maker (or a regulator) release or destroy a quarantined batch", async () => {
    expect((await ledger.submit(factory, "ColdChain:Release", [`01/${VACCINE}/10/L2`, "checked"])).code).toBe(
      "APP_FORBIDDEN",
    );
    expect(
      (
        await ledger.submit({ ...pharmacy, attributes: { qp: "true" } }, "ColdChain:Release", [
          `01/${VACCINE}/10/L2`,
          "checked",
        ])
      ).code,
    ).toBe("APP_FORBIDDEN");
    const released = ok(
      await ledger.submit(factoryQp, "ColdChain:Release", [
        `01/${VACCINE}/10/L2`,
        "stability data cover 11 h at 12 °C",
      ]),
    );
    expect(released.value).toMatchObject({
      quarantine: null,
      releases: [{ byOrg: FACTORY, note: "stability data cover 11 h at 12 °C" }],
    });
    expect(
      ((await ledger.evaluate(pharmacy, "Verify:Drug", [VACCINE, "L2", "B1", "271231"])).value as { result: string })
        .result,
    ).toBe("verified");
    expect((await ledger.submit(factoryQp, "ColdChain:Release", [`01/${VACCINE}/10/L2`, "again"])).code).toBe(
      "APP_STATE_CONFLICT",
    );
    ok(
      await ledger.submit({ ...regulator, attributes: { regulator: "true", qp: "true" } }, "ColdChain:Destroy", [
        `01/${VACCINE}/10/L2`,
        "ordered destroyed",
      ]),
    );
    expect(
      ((await ledger.evaluate(pharmacy, "Verify:Drug", [VACCINE, "L2", "B1", "271231"])).value as { result: string })
        .result,
    ).toBe("recalled");
  });
});
