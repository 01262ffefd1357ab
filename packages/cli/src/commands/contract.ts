import { readFileSync, writeFileSync } from "node:fs";
import { loadIdentity } from "@citychain/crypto";
import { packageChaincode } from "@citychain/runtime";
import { approveContract, CityChainClient, contractDefinition, deployContract, listProposals } from "@citychain/sdk";
import type { Command } from "commander";
import { type Output, print, printError } from "../output.ts";
import { resolveUrl } from "../resolve-url.ts";
import { withConnection } from "./tx.ts";

function sequenceOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error("--sequence must be a positive integer");
  return n;
}

/** Reads Fabric's collections_config.json; the chain checks its content. */
function readCollectionsConfig(file: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw Object.assign(new Error(`${file} is not readable JSON: ${(e as Error).message}`), {
      code: "PRIVATE_COLLECTION_INVALID",
    });
  }
  if (!Array.isArray(v)) {
    throw Object.assign(new Error(`${file} must hold a JSON array of collections`), {
      code: "PRIVATE_COLLECTION_INVALID",
    });
  }
  return v;
}

/**
 * `citychain contract …`: the contract lifecycle, as Fabric's
 * `peer lifecycle chaincode package/approveformyorg/commit`, in three steps:
 * package a chaincode project into one deterministic bundle, deploy (upload
 * and propose, approving for the deployer's organisation), approve (other
 * organisations' admins). The contract goes live at the height after the
 * approval that meets the lifecycle policy (a majority of organisations).
 */
export function registerContract(program: Command): void {
  const contract = program.command("contract").description("package, deploy, approve and inspect contracts");

  contract
    .command("package")
    .description("bundle a chaincode project (package.json main exporting `contracts`) and print its hash")
    .argument("<dir>", "the chaincode project directory (built JavaScript and its node_modules)")
    .option("--out <file>", "where to write the bundle (default: <name>.ccpkg in the current directory)")
    .option("--json", "machine-readable output")
    .action((dir: string, o) => {
      const out: Output = { json: Boolean(o.json) };
      try {
        const pkg = packageChaincode(dir);
        const file = o.out ?? `${pkg.name.replace(/^@/, "").replace(/\//g, "-")}.ccpkg`;
        writeFileSync(file, pkg.bytes);
        print(
          out,
          { file, hash: pkg.hashHex, name: pkg.name, version: pkg.version, bytes: pkg.bytes.length, files: pkg.files },
          () => `${file}: ${pkg.files.length} files, ${pkg.bytes.length} bytes\nhash ${pkg.hashHex}`,
        );
      } catch (e) {
        printError(out, e);
      }
    });

  withConnection(
    contract
      .command("deploy")
      .description("upload a bundle and propose it as the next definition of a contract (your organisation approves)")
      .requiredOption("--as <dir>", "an organisation admin's identity directory")
      .requiredOption("--package <file>", "the bundle made by `citychain contract package`")
      .requiredOption("--name <name>", "the contract's name on chain")
      .option("--sequence <n>", "definition sequence (default: current + 1)")
      .option("--version <v>", "a version label")
      .option("--collections-config <file>", "private data collections (Fabric's collections_config.json)")
      .option(
        "--endorsement-policy <policy>",
        "who endorses private-data transactions, e.g. \"OR('org1.peer','org2.peer')\"",
      )
      .option("--co-sign <dirs...>", "further admins approving in the same transaction"),
  ).action(async (o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const client = new CityChainClient({ url: resolveUrl(o), identity: await loadIdentity(o.as) });
      const cosigners = await Promise.all(((o.coSign as string[] | undefined) ?? []).map((d) => loadIdentity(d)));
      const r = await deployContract(client, new Uint8Array(readFileSync(o.package)), {
        name: o.name,
        sequence: sequenceOf(o.sequence),
        version: o.version,
        collections: o.collectionsConfig ? readCollectionsConfig(o.collectionsConfig) : undefined,
        endorsementPolicy: o.endorsementPolicy,
        cosigners,
      });
      print(out, r, () =>
        r.proposal.status === "executed"
          ? `contract '${o.name}' deployed (bundle ${r.hash}); live from the next block`
          : `proposal ${r.proposal.id} deploys '${o.name}' at sequence ${r.proposal.payload.sequence} (bundle ${r.hash}); approved by ${Object.keys(r.proposal.votes).join(", ")}; waiting for other organisations: citychain contract approve --name ${o.name}`,
      );
    } catch (e) {
      printError(out, e);
    }
  });

  withConnection(
    contract
      .command("approve")
      .description("approve, for your organisation, the open proposal that deploys a contract")
      .requiredOption("--as <dir>", "an organisation admin's identity directory")
      .requiredOption("--name <name>", "the contract's name")
      .option("--sequence <n>", "the definition sequence, when several are open")
      .option("--hash <hex>", "the bundle hash you checked (from `contract package`)")
      .option("--co-sign <dirs...>", "further admins approving in the same transaction"),
  ).action(async (o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const client = new CityChainClient({ url: resolveUrl(o), identity: await loadIdentity(o.as) });
      const cosigners = await Promise.all(((o.coSign as string[] | undefined) ?? []).map((d) => loadIdentity(d)));
      const p = await approveContract(client, {
        name: o.name,
        sequence: sequenceOf(o.sequence),
        hash: o.hash,
        cosigners,
      });
      print(out, p, () =>
        p.status === "executed"
          ? `contract '${o.name}' approved by ${Object.keys(p.votes).join(", ")}: deployed, live from the next block`
          : `proposal ${p.id}: ${p.status}; votes ${JSON.stringify(p.votes)}`,
      );
    } catch (e) {
      printError(out, e);
    }
  });

  withConnection(
    contract
      .command("show")
      .description("a deployed contract's definition (sequence, bundle hash, first height)")
      .requiredOption("--as <dir>", "identity directory (reads need a member in alliance mode)")
      .argument("<name>"),
  ).action(async (name: string, o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const client = new CityChainClient({ url: resolveUrl(o), identity: await loadIdentity(o.as) });
      const def = await contractDefinition(client, name);
      if (!def) throw Object.assign(new Error(`no contract '${name}' is deployed`), { code: "CONTRACT_NOT_FOUND" });
      print(
        out,
        def,
        () =>
          `${def.name} sequence ${def.sequence} (${def.version}), bundle ${def.hash}, live from height ${def.activeFrom}`,
      );
    } catch (e) {
      printError(out, e);
    }
  });

  withConnection(
    contract
      .command("list")
      .description("governance proposals (open ones by default)")
      .requiredOption("--as <dir>", "identity directory")
      .option("--all", "every proposal, whatever its status"),
  ).action(async (o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const client = new CityChainClient({ url: resolveUrl(o), identity: await loadIdentity(o.as) });
      const ps = await listProposals(client, o.all ? undefined : "open");
      print(out, ps, () =>
        ps.length === 0
          ? "no proposals"
          : ps
              .map((p) => `${p.id} ${p.kind} ${JSON.stringify(p.payload)} ${p.status} votes ${JSON.stringify(p.votes)}`)
              .join("\n"),
      );
    } catch (e) {
      printError(out, e);
    }
  });
}
