import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import { initNetwork, type NetworkLayout } from "@citychain/node";
import { CityChainClient } from "@citychain/sdk";
import type { Command } from "commander";
import { DEMO_VACCINE_GTIN, type DemoCity, loadDemoCity } from "../demo-city.ts";
import { type Output, printError } from "../output.ts";
import { describeNodes, runNetwork } from "../run-network.ts";

export const DEMO_ORGS = ["city-gov", "hospital", "insurer", "pharma"];

/**
 * A little city on the kv contract: who recorded what, from several
 * organisations, each through its own organisation's node.
 */
async function loadDemoData(dir: string, urlOf: (org: string) => string): Promise<number> {
  const records: [string, string, string][] = [
    ["city-gov", "permit/2026-0001", JSON.stringify({ kind: "building-permit", parcel: "A-17", status: "granted" })],
    ["city-gov", "notary/doc-7f3a", JSON.stringify({ title: "land-registry extract", sha256: "7f3a…" })],
    ["hospital", "consent/patient-42", JSON.stringify({ grantee: "insurer", scope: "claims", status: "active" })],
    ["insurer", "policy/P-1001", JSON.stringify({ holder: "patient-42", plan: "basic", status: "active" })],
    ["pharma", "batch/GTIN-09506000134352/L42", JSON.stringify({ product: "vaccine", units: 10000, plant: "P-1" })],
    ["pharma", "custody/GTIN-09506000134352/L42", JSON.stringify({ holder: "hospital", since: "2026-11-20" })],
  ];
  let n = 0;
  for (const [org, key, value] of records) {
    const identity = await loadIdentity(join(dir, "orgs", org, "member"));
    const client = new CityChainClient({ url: urlOf(org), identity });
    await client.submitTransaction("kv", "put", key, value);
    n++;
  }
  for (const org of DEMO_ORGS) {
    const admin = await loadIdentity(join(dir, "orgs", org, "admin"));
    const member = await loadIdentity(join(dir, "orgs", org, "member"));
    await new CityChainClient({ url: urlOf(org), identity: admin }).submitTransaction(
      "membership",
      "register",
      member.certPem,
    );
    n++;
  }
  return n;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("the main job: a local multi-organisation network with demo data, in the foreground until Ctrl-C")
    .option("--dir <dir>", "where the network lives", ".citychain/demo")
    .action(async (o) => {
      const out: Output = { json: false };
      const dir = resolve(o.dir);
      try {
        let layout: NetworkLayout | undefined;
        if (!existsSync(join(dir, "genesis.json"))) {
          layout = await initNetwork({ dir, orgs: DEMO_ORGS, chainId: "citychain-demo", validators: DEMO_ORGS.length });
          process.stdout.write(`created network 'citychain-demo' with ${DEMO_ORGS.join(", ")} in ${dir}\n`);
        }
        const homes = DEMO_ORGS.map((org) => join(dir, "nodes", `${org}-node`));
        const children = await runNetwork(dir, homes);
        const url = children[0].url;
        const urlOf = (org: string) => children.find((c) => c.orgId === org)?.url ?? url;
        const marker = join(dir, ".demo-data-loaded");
        let city: DemoCity | undefined;
        if (layout || !existsSync(marker)) {
          const n = await loadDemoData(dir, urlOf);
          process.stdout.write(`loaded ${n} demo transactions\n`);
          try {
            city = await loadDemoCity(dir, urlOf);
            process.stdout.write(
              `loaded the demo city's pharma cold chain: ${city.transactions} transactions (an excursion quarantined lot ${city.quarantinedItem.lot}; lot ${city.recalledItem.lot} recalled)\n`,
            );
          } catch (e) {
            // The network is up and usable without it; say what failed.
            process.stdout.write(`the demo city's data could not be loaded: ${(e as Error).message}\n`);
          }
          writeFileSync(marker, `${new Date().toISOString()}\n`);
        }
        const q = city?.quarantinedItem ?? {
          gtin: DEMO_VACCINE_GTIN,
          lot: "VAX26A",
          serial: "V0001",
          expiry: "271231",
        };
        process.stdout.write(
          `${[
            ...describeNodes(dir, children),
            `  try:      npm run citychain -- query --url ${urlOf("hospital")} --as ${join(dir, "orgs/hospital/member")} --contract kv --fn get consent/patient-42`,
            `  write:    npm run citychain -- tx submit --url ${urlOf("pharma")} --as ${join(dir, "orgs/pharma/member")} --contract kv --fn put hello world`,
            `  blocks:   npm run citychain -- block show latest --url ${urlOf("insurer")} --as ${join(dir, "orgs/insurer/member")}`,
            `  scan:     curl ${urlOf("hospital")}/01/${q.gtin}/10/${q.lot}/21/${q.serial}   (a QR code's GS1 Digital Link: status, provenance, proofs)`,
            `  dispense: curl "${urlOf("hospital")}/v1/drugs/verify?gtin=${q.gtin}&lot=${q.lot}&serial=${q.serial}&expiry=${q.expiry}"`,
            ...(city
              ? [
                  `  trace:    npm run citychain -- query --url ${urlOf("hospital")} --as ${join(dir, "orgs/hospital/member")} --contract supplychain --fn Epcis:Trace ${city.retailItem.digitalLink} backward   (a purée pouch back to the farms)`,
                ]
              : []),
            "Ctrl-C stops the network.",
          ].join("\n")}\n`,
        );
      } catch (e) {
        printError(out, e);
        process.exit(1);
      }
    });
}
