import { rmSync } from "node:fs";
import { join } from "node:path";
import { SUPPLY_CHAIN_CONTRACT } from "@citychain/apps";
import { loadIdentity } from "@citychain/crypto";
import { CityChainNode, initNetwork, type NetworkLayout } from "@citychain/node";
import { CityChainClient, type ProvenAnswer, trustAnchorOf, verifyProvenance } from "@citychain/sdk";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ORGS } from "../src/commands/demo.ts";
import { type DemoCity, loadDemoCity } from "../src/demo-city.ts";
import { cliAsync, REPO_ROOT, tempDir } from "./helpers.ts";

/** What Epcis:Trace answers, as far as these tests read it. */
interface Trace {
  nodes: { eventType: string; bizStep: string | null; bizLocation: string | null; capturer: string }[];
  epcs: string[];
}

/**
 * The demo city `npm start` loads, on one node: the excursion quarantines its
 * batch, the recall reaches the holder, and a demo pack's Digital Link
 * answers with provenance whose proofs the SDK verifies; a pouch of the food
 * chain traces back to the farms' harvest lots.
 */
describe("the demo city's pharma cold chain and food chain", () => {
  const dir = tempDir("citychain-demo-city-");
  let layout: NetworkLayout;
  let node: CityChainNode;
  let city: DemoCity;

  beforeAll(async () => {
    layout = await initNetwork({ dir, orgs: DEMO_ORGS, validators: 1 });
    const validatorHome = layout.orgs[0].nodeHome;
    node = await CityChainNode.start({
      home: validatorHome,
      apiPort: 0,
      logger: pino({ level: "silent" }),
      noP2P: true,
    });
    city = await loadDemoCity(dir, () => node.apiUrl);
  });

  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = async <T>(fn: string, ...args: string[]): Promise<T> => {
    const reader = new CityChainClient({
      url: node.apiUrl,
      identity: await loadIdentity(join(dir, "orgs", "insurer", "member")),
    });
    const bytes = await reader.evaluateTransaction(SUPPLY_CHAIN_CONTRACT, fn, ...args);
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  };

  const verify = async (i: DemoCity["recalledItem"]) =>
    (
      await fetch(`${node.apiUrl}/v1/drugs/verify?gtin=${i.gtin}&lot=${i.lot}&serial=${i.serial}&expiry=${i.expiry}`)
    ).json();

  it("quarantines the batch of the excursion and says so to the pharmacist", async () => {
    expect(await verify(city.quarantinedItem)).toMatchObject({ result: "quarantined" });
    expect(await verify(city.recalledItem)).toMatchObject({ result: "recalled" });
  });

  it("answers a demo pack's Digital Link with provenance the SDK verifies", async () => {
    const q = city.quarantinedItem;
    const res = await fetch(`${node.apiUrl}/01/${q.gtin}/10/${q.lot}/21/${q.serial}`);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as ProvenAnswer & {
      status: string;
      custodian: string;
      events: { bizStep: string }[];
    };
    expect(answer.status).toBe("quarantined");
    expect(answer.custodian).toBe("hospital");
    expect((answer.events as { bizStep: string }[]).map((e) => e.bizStep)).toEqual([
      "commissioning",
      "packing",
      "shipping",
      "receiving",
    ]);
    expect(verifyProvenance(answer, trustAnchorOf(layout.genesis))).toBeGreaterThanOrEqual(4);
  });

  it("captures a GS1 example document and resolves a Digital Link from the command line, proofs checked", async () => {
    const example = join(REPO_ROOT, "packages/apps/test/vectors/epcis/accept/gs1-Example_9.6.1-ObjectEvent.json");
    const member = join(dir, "orgs", "hospital", "member");
    const captured = await cliAsync(["epcis", "capture", "--url", node.apiUrl, "--as", member, example, "--json"]);
    expect(captured.status, captured.stderr + captured.stdout).toBe(0);
    expect(captured.json()).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const again = await cliAsync(["epcis", "capture", "--url", node.apiUrl, "--as", member, example, "--json"]);
    expect(again.status).not.toBe(0);
    expect(again.stdout + again.stderr).toContain("EPCIS_EVENT_DUPLICATE");

    const q = city.recalledItem;
    const resolved = await cliAsync([
      "product",
      "resolve",
      `${node.apiUrl}/01/${q.gtin}/10/${q.lot}/21/${q.serial}`,
      "--genesis",
      join(dir, "genesis.json"),
      "--json",
    ]);
    expect(resolved.status, resolved.stderr + resolved.stdout).toBe(0);
    expect(resolved.json()).toMatchObject({ status: "recalled", proofsChecked: expect.any(Number) });
  });

  it("traces a pouch sold at the hospital shop back through the plant's transformation to both farms' lots", async () => {
    const trace = await ask<Trace>("Epcis:Trace", city.retailItem.digitalLink, "backward");
    expect(trace.nodes.filter((e) => e.eventType === "TransformationEvent")).toHaveLength(1);
    const harvests = trace.nodes.filter((e) => e.eventType === "ObjectEvent" && e.bizStep === "commissioning");
    expect(harvests.map((e) => e.bizLocation).sort()).toEqual(city.farmLots.map((l) => l.farm).sort());
    expect(new Set(trace.nodes.map((e) => e.capturer))).toEqual(new Set(["city-gov", "pharma", "hospital"]));
    expect(trace.nodes.some((e) => e.bizStep === "retail_selling")).toBe(true);
    // The field bins the trace reached are registered items of the farms' harvest lots.
    const bins = trace.epcs.filter((key) => city.farmLots.some((l) => key.startsWith(`01/${l.gtin}/21/`)));
    expect(bins).toHaveLength(4);
    const lots = await Promise.all(
      bins.map((key) => ask<{ item: { gtin: string; lot: string } }>("Products:Get", key)),
    );
    expect(new Set(lots.map(({ item }) => `${item.gtin}/${item.lot}`))).toEqual(
      new Set(city.farmLots.map((l) => `${l.gtin}/${l.lot}`)),
    );
    // The other pouches (in its case, or still at the distribution centre) are not part of this pouch's story.
    expect(trace.epcs.filter((key) => key.startsWith(`01/${city.retailItem.gtin}/`))).toEqual([
      `01/${city.retailItem.gtin}/21/${city.retailItem.serial}`,
    ]);
  });

  it("traces a farm lot's bin forward to every pouch made from it, and verifies the sold pouch", async () => {
    const [lot] = city.farmLots;
    const forward = await ask<Trace>("Epcis:Trace", `https://id.gs1.org/01/${lot.gtin}/21/BIN-0001`, "forward");
    const pouches = forward.epcs.filter((key) => key.startsWith(`01/${city.retailItem.gtin}/21/`));
    expect(pouches).toHaveLength(24);
    expect(pouches).toContain(`01/${city.retailItem.gtin}/21/${city.retailItem.serial}`);
    expect(await verify(city.retailItem)).toMatchObject({ result: "verified" });
    const pouch = await ask<{ status: string; custodian: string }>("Products:Get", city.retailItem.digitalLink);
    expect(pouch).toMatchObject({ status: "active", custodian: "hospital" });
  });
});
