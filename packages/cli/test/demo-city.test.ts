import { rmSync } from "node:fs";
import { join } from "node:path";
import { CityChainNode, initNetwork, type NetworkLayout } from "@citychain/node";
import { type ProvenAnswer, trustAnchorOf, verifyProvenance } from "@citychain/sdk";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ORGS } from "../src/commands/demo.ts";
import { type DemoCity, loadDemoCity } from "../src/demo-city.ts";
import { cliAsync, REPO_ROOT, tempDir } from "./helpers.ts";

/**
 * The demo city `npm start` loads, on one node: the excursion quarantines its
 * batch, the recall reaches the holder, and a demo pack's Digital Link
 * answers with provenance whose proofs the SDK verifies.
 */
describe("the demo city's pharma cold chain", () => {
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
});
