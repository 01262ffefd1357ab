import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { confidentialCapture, gs1CheckDigit } from "@citychain/apps";
import { loadIdentity } from "@citychain/crypto";
import { CityChainClient, type ProvenAnswer, trustAnchorOf, verifyProvenance } from "@citychain/sdk";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CityChainNode, initNetwork, type NetworkLayout } from "../src/index.ts";

const logger = pino({ level: "silent" });
const GTIN = `0950600013435${gs1CheckDigit("0950600013435")}`;
const ITEM = `https://id.gs1.org/01/${GTIN}/21/SN1`;
const SITE = "urn:epc:id:sgln:0614141.00001.0";

const doc = (events: Record<string, unknown>[]) =>
  JSON.stringify({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: "2026-01-01T00:00:00.000Z",
    epcisBody: { eventList: events },
  });
const event = (time: string, bizStep: string, disposition: string) => ({
  type: "ObjectEvent",
  eventTime: time,
  eventTimeZoneOffset: "+00:00",
  action: bizStep === "commissioning" ? "ADD" : "OBSERVE",
  epcList: [ITEM],
  bizStep,
  disposition,
  readPoint: { id: SITE },
});

/**
 * The supply-chain application behind the node's API: a maker registers a
 * batch and an item and records their first events; the GS1 Digital Link
 * resolver (no credentials, as a consumer's phone) answers with status and
 * provenance whose proofs the SDK verifies against the genesis; drug
 * verification and EPCIS validation answer with their codes.
 */
describe("smart-city applications over the node API", () => {
  let dir: string;
  let layout: NetworkLayout;
  let node: CityChainNode;
  let maker: CityChainClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "citychain-apps-"));
    layout = await initNetwork({ dir, orgs: ["pharma", "hospital"], validators: 1 });
    node = await CityChainNode.start({
      home: layout.orgs[0].nodeHome,
      apiPort: 0,
      logger,
      verifyThreads: 1,
      noP2P: true,
    });
    maker = new CityChainClient({ url: node.apiUrl, identity: await loadIdentity(layout.orgs[0].identities.member) });
    await maker.submitTransaction("supplychain", "Products:RegisterBatch", GTIN, "LOT1", "301231", "100");
    await maker.submitTransaction("supplychain", "Products:RegisterItem", GTIN, "LOT1", "SN1", "301231");
    await maker.submitTransaction(
      "supplychain",
      "Epcis:Capture",
      doc([event("2026-01-02T08:00:00.000Z", "commissioning", "active")]),
    );
  });

  afterAll(async () => {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves a Digital Link without credentials, with proofs the SDK verifies", async () => {
    const res = await fetch(`${node.apiUrl}/01/${GTIN}/10/LOT1/21/SN1`);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as ProvenAnswer & {
      kind: string;
      status: string;
      events: { bizStep: string; txId: string; hash: string }[];
    };
    expect(answer).toMatchObject({ kind: "item", status: "active", custodian: "pharma" });
    expect(answer.events.map((e: { bizStep: string }) => e.bizStep)).toEqual(["commissioning"]);
    const checked = verifyProvenance(answer, trustAnchorOf(layout.genesis));
    expect(checked).toBeGreaterThanOrEqual(2);
    // A proof swapped for another transaction's is caught.
    const [first, second] = Object.keys(answer.proofs);
    const forged = { ...answer, proofs: { ...answer.proofs, [first]: answer.proofs[second] } };
    expect(() => verifyProvenance(forged, trustAnchorOf(layout.genesis))).toThrow(/PROOF_INVALID|proof given/);
  });

  it("answers the pharmacist's check with its reason", async () => {
    const ask = async (lot: string, serial: string, expiry: string) =>
      (await fetch(`${node.apiUrl}/v1/drugs/verify?gtin=${GTIN}&lot=${lot}&serial=${serial}&expiry=${expiry}`)).json();
    expect(await ask("LOT1", "SN1", "301231")).toMatchObject({ result: "verified" });
    expect(await ask("LOT2", "SN1", "301231")).toMatchObject({ result: "mismatched" });
    expect(await ask("LOT1", "SN9", "301231")).toMatchObject({ result: "unknown" });
    const bad = await fetch(`${node.apiUrl}/v1/drugs/verify?gtin=${GTIN}&lot=LOT1&serial=SN1&expiry=2030`);
    expect(bad.status).toBe(400);
  });

  it("refuses a capture that contradicts custody, and names the event", async () => {
    const hospital = new CityChainClient({
      url: node.apiUrl,
      identity: await loadIdentity(layout.orgs[1].identities.member),
    });
    const err = await hospital
      .submitTransaction(
        "supplychain",
        "Epcis:Capture",
        doc([event("2026-01-03T08:00:00.000Z", "shipping", "in_transit")]),
      )
      .catch((e) => e);
    expect(err.code).toBe("EPCIS_CUSTODY_VIOLATION");
    expect(err.message).toMatch(/event 0|eventList\[0\]/);
  });

  it("validates EPCIS documents without writing anything", async () => {
    const bad = JSON.parse(doc([{ type: "ObjectEvent", action: "ADD", epcList: [ITEM] }]));
    const before = node.app.info().height;
    const { HttpTransport } = await import("@citychain/sdk");
    const http = new HttpTransport(node.apiUrl, await loadIdentity(layout.orgs[0].identities.member));
    const answer = await http.json<{ ok: boolean; problems: { eventIndex: number; path: string; code: string }[] }>({
      method: "POST",
      path: "/v1/epcis/validate",
      json: bad,
    });
    expect(answer.ok).toBe(false);
    expect(answer.problems[0]).toMatchObject({ eventIndex: 0, code: "EPCIS_FIELD_MISSING" });
    expect(node.app.info().height).toBe(before);
    const found = await http.json<{ events: { bizStep: string }[] }>({
      method: "GET",
      path: "/v1/epcis/events?EQ_bizStep=commissioning&perPage=10",
    });
    expect(found.events.map((e) => e.bizStep)).toEqual(["commissioning"]);
  });
  it("keeps a confidential event's body out of blocks, in the capturer's private collection", async () => {
    const secret = "urn:epcglobal:cbv:bt:0614141073467:PO-CONFIDENTIAL-77";
    const full = doc([
      {
        ...event("2026-01-03T08:00:00.000Z", "shipping", "in_transit"),
        action: "OBSERVE",
        bizTransactionList: [{ type: "po", bizTransaction: secret }],
      },
    ]);
    const split = confidentialCapture(full);
    expect(split.redactedJson.includes(secret)).toBe(false);
    const captured = await maker.submitTransaction(
      "supplychain",
      "Epcis:Capture",
      split.redactedJson,
      "true",
      JSON.stringify(split.hashes),
    );
    // Without endorsement, the body cannot be kept (ordered execution has no transient data).
    await expect(maker.submitTransaction("supplychain", "Epcis:KeepConfidential")).rejects.toMatchObject({
      code: "APP_ARGS_INVALID",
    });
    const kept = await maker.submitPrivate({
      contract: "supplychain",
      fn: "Epcis:KeepConfidential",
      transient: { epcis: full },
    });
    expect(JSON.parse(kept.returnText ?? "{}")).toEqual({ kept: split.hashes });
    for (const height of [captured.height, kept.height]) {
      expect(Buffer.from(await maker.getBlockBytes(height)).includes(secret), `block ${height}`).toBe(false);
    }
    const body = JSON.parse(
      new TextDecoder().decode(
        await maker.evaluateTransaction("supplychain", "Epcis:ConfidentialEvent", split.hashes[0]),
      ),
    ) as { event: { bizTransactionList: unknown } };
    expect(body.event.bizTransactionList).toEqual([{ type: "po", bizTransaction: secret }]);
    // Another organisation sees the hash and the indexed fields, not the body.
    const hospital = new CityChainClient({
      url: node.apiUrl,
      identity: await loadIdentity(layout.orgs[1].identities.member),
    });
    await expect(
      hospital.evaluateTransaction("supplychain", "Epcis:ConfidentialEvent", split.hashes[0]),
    ).rejects.toMatchObject({ code: "PRIVATE_DATA_FORBIDDEN" });
    // Only the capturer keeps a body, and only under the hash it declared.
    await expect(
      hospital.submitPrivate({ contract: "supplychain", fn: "Epcis:KeepConfidential", transient: { epcis: full } }),
    ).rejects.toMatchObject({ code: "APP_FORBIDDEN" });
  });
});
