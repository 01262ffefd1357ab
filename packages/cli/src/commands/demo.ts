import { existsSync, openSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import { initNetwork, type NetworkLayout, readNodeConfig } from "@citychain/node";
import { CityChainClient } from "@citychain/sdk";
import type { Command } from "commander";
import { type Output, printError } from "../output.ts";
import { spawnNode, waitForApi } from "../spawn-node.ts";

export const DEMO_ORGS = ["city-gov", "hospital", "insurer", "pharma"];

/** A little city on the kv contract: who recorded what, from several organisations. */
async function loadDemoData(dir: string, url: string): Promise<number> {
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
    const client = new CityChainClient({ url, identity });
    await client.submitTransaction("kv", "put", key, value);
    n++;
  }
  for (const org of DEMO_ORGS) {
    const admin = await loadIdentity(join(dir, "orgs", org, "admin"));
    const member = await loadIdentity(join(dir, "orgs", org, "member"));
    await new CityChainClient({ url, identity: admin }).submitTransaction("membership", "register", member.certPem);
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
          layout = await initNetwork({ dir, orgs: DEMO_ORGS, chainId: "citychain-demo", validators: 1 });
          process.stdout.write(`created network 'citychain-demo' with ${DEMO_ORGS.join(", ")} in ${dir}\n`);
        }
        const home = join(dir, "nodes", `${DEMO_ORGS[0]}-node`);
        const config = readNodeConfig(home);
        const url = `http://${config.api.host}:${config.api.port}`;
        const logFile = openSync(join(dir, `${config.name}.log`), "a");
        const child = spawnNode(home, { logFile });
        const stop = () => {
          child.kill("SIGTERM");
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
        child.on("exit", (code) => {
          process.stdout.write(`node ${config.name} exited (${code ?? "signal"})\n`);
          process.exit(code ?? 0);
        });
        await waitForApi(url, 30_000);
        writeFileSync(
          join(dir, "network.json"),
          `${JSON.stringify({ nodes: [{ name: config.name, orgId: config.orgId, apiUrl: url, pid: child.pid }] }, null, 2)}\n`,
        );
        const marker = join(dir, ".demo-data-loaded");
        if (layout || !existsSync(marker)) {
          const n = await loadDemoData(dir, url);
          writeFileSync(marker, `${new Date().toISOString()}\n`);
          process.stdout.write(`loaded ${n} demo transactions\n`);
        }
        process.stdout.write(
          `${[
            `node ${config.name} (validator) serves ${url}  (logs: ${join(dir, `${config.name}.log`)})`,
            `  status:   curl ${url}/v1/status   (reads need a member identity in alliance mode; use the CLI)`,
            `  try:      npm run citychain -- query --url ${url} --as ${join(dir, "orgs/hospital/member")} --contract kv --fn get consent/patient-42`,
            `  write:    npm run citychain -- tx submit --url ${url} --as ${join(dir, "orgs/pharma/member")} --contract kv --fn put hello world`,
            "Ctrl-C stops the network.",
          ].join("\n")}\n`,
        );
      } catch (e) {
        printError(out, e);
        process.exit(1);
      }
    });
}
