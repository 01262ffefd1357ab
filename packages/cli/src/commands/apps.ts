import { readFileSync } from "node:fs";
import { confidentialCapture, TRANSIENT_DOCUMENT } from "@citychain/apps";
import { loadIdentity } from "@citychain/crypto";
import {
  CityChainClient,
  loadGenesis,
  type ProvenAnswer,
  SUPPLY_CHAIN_CONTRACT,
  trustAnchorOf,
  verifyProvenance,
} from "@citychain/sdk";
import type { Command } from "commander";
import { type Output, print, printError } from "../output.ts";
import { resolveUrl } from "../resolve-url.ts";
import { withConnection } from "./tx.ts";

/**
 * `citychain epcis …` and `citychain product …`: the supply-chain
 * application from the command line — capture an EPCIS 2.0 document as
 * your organisation, and resolve a GS1 Digital Link checking every proof.
 */
export function registerApps(program: Command): void {
  const epcis = program.command("epcis").description("EPCIS 2.0 events on the supplychain contract");
  withConnection(
    epcis
      .command("capture")
      .description("capture an EPCIS 2.0 JSON-LD document, signed by your organisation")
      .requiredOption("--as <dir>", "identity directory of the capturing organisation's member")
      .option(
        "--confidential",
        "keep event bodies out of blocks and public state: the redacted events and their hashes go on chain, the bodies to your organisation's private collection (through your node)",
      )
      .argument("<file>", "the EPCIS document (JSON-LD)"),
  ).action(async (file: string, o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const client = new CityChainClient({ url: resolveUrl(o), identity: await loadIdentity(o.as) });
      const text = readFileSync(file, "utf8");
      let r: Awaited<ReturnType<typeof client.submitTransaction>>;
      let kept: string[] | undefined;
      if (o.confidential) {
        const split = confidentialCapture(text);
        const args = [split.redactedJson, "true", JSON.stringify(split.hashes)];
        r = await client.submitTransaction(SUPPLY_CHAIN_CONTRACT, "Epcis:Capture", ...args);
        const keep = await client.submitPrivate({
          contract: SUPPLY_CHAIN_CONTRACT,
          fn: "Epcis:KeepConfidential",
          transient: { [TRANSIENT_DOCUMENT]: text },
        });
        kept = (JSON.parse(keep.returnText ?? "{}") as { kept?: string[] }).kept;
      } else {
        r = await client.submitTransaction(SUPPLY_CHAIN_CONTRACT, "Epcis:Capture", text);
      }
      const result = JSON.parse(r.returnText ?? "{}");
      print(
        out,
        { id: r.id, height: r.height, ...result, ...(kept ? { keptConfidential: kept.length } : {}) },
        () =>
          `captured in ${r.id} at height ${r.height}${kept ? ` (${kept.length} bodies kept in your organisation's private collection)` : ""}\n${JSON.stringify(result, null, 2)}`,
      );
    } catch (e) {
      printError(out, e);
    }
  });

  const product = program.command("product").description("products and their provenance");
  product
    .command("resolve")
    .description("fetch a GS1 Digital Link's answer from a node and check every proof against the genesis")
    .requiredOption("--genesis <file>", "the chain's genesis.json (what you trust)")
    .option("--json", "machine-readable output")
    .argument("<url>", "the Digital Link served by a node, e.g. http://127.0.0.1:7051/01/<GTIN>/10/<lot>/21/<serial>")
    .action(async (url: string, o) => {
      const out: Output = { json: Boolean(o.json) };
      try {
        const res = await fetch(url);
        const answer = (await res.json()) as ProvenAnswer & {
          status?: string;
          error?: { code: string; message: string };
        };
        if (!res.ok)
          throw Object.assign(new Error(answer.error?.message ?? `HTTP ${res.status}`), { code: answer.error?.code });
        const checked = verifyProvenance(answer, trustAnchorOf(await loadGenesis(o.genesis)));
        print(
          out,
          { ...answer, proofsChecked: checked },
          () =>
            `${JSON.stringify({ ...answer, proofs: undefined }, null, 2)}\n${checked} transaction proofs verified against the genesis`,
        );
      } catch (e) {
        printError(out, e);
      }
    });
}
