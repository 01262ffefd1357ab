/**
 * A recall of a 10,000-item batch is one transaction whose writes do not
 * depend on the number of items: the status of every item, case and pallet
 * is derived when read, and the holders come from the per-batch holding
 * index.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ITEMS_PER_REGISTER_MAX } from "../../src/contracts/index.ts";
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
  itemUri,
  pharmacy,
  receive,
  ship,
  sscc,
  ssccUri,
  VACCINE,
} from "./helpers/fixtures.ts";
import { TestLedger } from "./helpers/ledger.ts";

const ITEMS = 10_000;
const serial = (n: number) => `S${String(n).padStart(5, "0")}`;

describe("recall of a 10,000-item batch", () => {
  const ledger = new TestLedger();

  beforeAll(async () => {
    for (let from = 0; from < ITEMS; from += ITEMS_PER_REGISTER_MAX) {
      const serials = Array.from({ length: ITEMS_PER_REGISTER_MAX }, (_, i) => serial(from + i));
      const result = await ledger.submit(factory, "Products:RegisterItems", [
        VACCINE,
        "BIG",
        "271231",
        JSON.stringify(serials),
      ]);
      expect(result.message).toBe("");
      // item and unit per serial, plus product (first call), batch and holding: bounded per call, far below 10,000.
      expect(result.writtenKeys).toBeLessThanOrEqual(2 * ITEMS_PER_REGISTER_MAX + 3);
    }
    const shipped = Array.from({ length: 1000 }, (_, i) => itemUri(serial(i)));
    expect(
      (await ledger.submit(factory, "Epcis:Capture", [epcisDocument([ship(at(9), shipped, FACTORY_SITE)])])).message,
    ).toBe("");
    expect(
      (await ledger.submit(distributor, "Epcis:Capture", [epcisDocument([receive(at(12), shipped, DISTRIBUTOR_SITE)])]))
        .message,
    ).toBe("");
    const packed = Array.from({ length: 100 }, (_, i) => itemUri(serial(5000 + i)));
    const pack = epcisDocument([aggregationEvent(at(10), "ADD", ssccUri(sscc(77)), packed, { bizStep: "packing" })]);
    expect((await ledger.submit(factory, "Epcis:Capture", [pack])).message).toBe("");
  }, 120_000);

  it("knows who holds how many items before the recall", async () => {
    const batch = (await ledger.evaluate(pharmacy, "Products:Get", [`01/${VACCINE}/10/BIG`])).value;
    expect(batch).toMatchObject({
      holders: [
        { org: DISTRIBUTOR, units: 1000 },
        { org: FACTORY, units: 9000 },
      ],
      batch: { itemCount: ITEMS },
    });
  });

  it("recalls in one transaction with one written key and one notice per holder organisation", async () => {
    const recall = await ledger.submit(factory, "Recall:RecallBatch", [
      VACCINE,
      "BIG",
      "particles found in retained samples",
    ]);
    expect(recall.message).toBe("");
    expect(recall.writtenKeys).toBe(1);
    expect(recall.writeCalls).toBe(1);
    expect(recall.rangeCalls).toBeLessThanOrEqual(2);
    expect(recall.events.map((e) => [e.name, e.payload.holder, e.payload.units])).toEqual([
      ["RecallNotice", DISTRIBUTOR, 1000],
      ["RecallNotice", FACTORY, 9000],
    ]);
  });

  it("shows every item, and the case holding some, as recalled from then on", async () => {
    for (const n of [0, 999, 5000, 9999]) {
      const got = (await ledger.evaluate(pharmacy, "Products:Get", [itemUri(serial(n))])).value as { status: string };
      expect(got.status, serial(n)).toBe("recalled");
    }
    expect((await ledger.evaluate(pharmacy, "Products:Get", [ssccUri(sscc(77))])).value).toMatchObject({
      status: "recalled",
      contents: [{ units: 100 }],
    });
    const verified = (await ledger.evaluate(pharmacy, "Verify:Drug", [VACCINE, "BIG", serial(42), "271231"])).value;
    expect(verified).toMatchObject({ result: "recalled" });
  });
});
