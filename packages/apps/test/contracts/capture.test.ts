/**
 * Capture of GS1's own EPCIS 2.0 example documents as published, and of
 * confidential events (hash and indexable fields only).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { documentEventHashIds, epcCanonicalKey } from "../../src/index.ts";
import { readVectors } from "../helpers.ts";
import {
  at,
  distributor,
  epcisDocument,
  FACTORY_SITE,
  factory,
  itemUri,
  objectEvent,
  VACCINE,
} from "./helpers/fixtures.ts";
import { TestLedger } from "./helpers/ledger.ts";

const ACCEPT = join(import.meta.dirname, "..", "vectors", "epcis", "accept");
const GS1_EXAMPLES = readdirSync(ACCEPT).filter((name) => name.startsWith("gs1-"));

describe("GS1's example documents", () => {
  it.each(GS1_EXAMPLES)("captures %s as published, every event under its CBV 2.0 hash", async (name) => {
    const doc = readVectors<{ epcisBody: { eventList: unknown[] }; "@context": unknown }>(`epcis/accept/${name}`);
    const ledger = new TestLedger();
    const result = await ledger.submit(factory, "Epcis:Capture", [JSON.stringify(doc)]);
    expect(result.message).toBe("");
    const answer = result.value as { captured: number; events: Array<{ hash: string }> };
    expect(answer.captured).toBe(doc.epcisBody.eventList.length);
    expect(answer.events.map((e) => e.hash)).toEqual(documentEventHashIds(doc));
    const all = (await ledger.evaluate(distributor, "Epcis:Query", ["{}"])).value as {
      events: Array<{ hash: string; body: { event: unknown } }>;
    };
    expect(all.events).toHaveLength(answer.captured);
    for (const stored of all.events) {
      const index = answer.events.findIndex((e) => e.hash === stored.hash);
      expect(stored.body.event, `${name} event ${index}`).toEqual(doc.epcisBody.eventList[index]);
    }
  });

  it("answers queries and traces over Example 9.6.1 (shipping, then receiving one of the two items)", async () => {
    const ledger = new TestLedger();
    const doc = readVectors<unknown>("epcis/accept/gs1-Example_9.6.1-ObjectEvent.json");
    await ledger.submit(factory, "Epcis:Capture", [JSON.stringify(doc)]);
    const item = "urn:epc:id:sgtin:0614141.107346.2018";
    const query = (
      await ledger.evaluate(distributor, "Epcis:Query", [
        JSON.stringify({ MATCH_epc: [item], EQ_bizStep: ["receiving"] }),
      ])
    ).value as { events: Array<{ bizStep: string; bizLocation: string }> };
    expect(query.events).toMatchObject([{ bizStep: "receiving", bizLocation: "urn:epc:id:sgln:0012345.11111.0" }]);
    const dl = `https://id.gs1.org/${epcCanonicalKey(item)}`;
    const trace = (await ledger.evaluate(distributor, "Epcis:Trace", [dl, "backward"])).value as {
      nodes: Array<{ bizStep: string }>;
    };
    expect(trace.nodes.map((n) => n.bizStep)).toEqual(["shipping", "receiving"]);
    const unit = (await ledger.evaluate(distributor, "Products:Get", [item])).value;
    expect(unit).toMatchObject({ kind: "unit", custodian: "FactoryMSP", status: "active" });
  });
});

describe("confidential capture", () => {
  const secret = () =>
    epcisDocument([
      objectEvent(at(10), "OBSERVE", [itemUri("C1")], {
        bizStep: "shipping",
        disposition: "in_transit",
        readPoint: { id: FACTORY_SITE },
        bizTransactionList: [{ type: "po", bizTransaction: "urn:epcglobal:cbv:bt:0614141000012:PO-SECRET-77" }],
        quantityList: [{ epcClass: `https://id.gs1.org/01/${VACCINE}/10/Q1`, quantity: 480, uom: "EA" }],
      }),
    ]);

  it("keeps only the hash and indexable fields of a confidential event, read from the transient field", async () => {
    const ledger = new TestLedger();
    const result = await ledger.submit(factory, "Epcis:Capture", ["", "true"], { transient: { epcis: secret() } });
    expect(result.message).toBe("");
    const [{ hash }] = (result.value as { events: Array<{ hash: string }> }).events;
    const stored = (await ledger.evaluate(distributor, "Epcis:Query", [JSON.stringify({ EQ_bizStep: "shipping" })]))
      .value as { events: Array<Record<string, unknown>> };
    expect(stored.events).toHaveLength(1);
    expect(stored.events[0]).toMatchObject({
      hash,
      confidential: true,
      body: null,
      bizStep: "shipping",
      capturer: "FactoryMSP",
    });
    const everything = ledger.snapshot();
    expect(everything).not.toContain("PO-SECRET-77");
    expect(everything).not.toContain("480");
    expect(everything).toContain(hash);
  });

  it("keeps the body of a public capture, and needs a document from somewhere", async () => {
    const ledger = new TestLedger();
    expect((await ledger.submit(factory, "Epcis:Capture", [secret()])).status).toBe(200);
    expect(ledger.snapshot()).toContain("PO-SECRET-77");
    const none = await ledger.submit(factory, "Epcis:Capture", ["", "true"]);
    expect(none.code).toBe("APP_ARGS_INVALID");
    expect((await ledger.submit(factory, "Epcis:Capture", [secret(), "yes"])).code).toBe("APP_ARGS_INVALID");
  });
});
