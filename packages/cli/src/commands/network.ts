import { existsSync } from "node:fs";
import { join } from "node:path";
import { initNetwork } from "@citychain/node";
import { CHAIN_MODES, type ChainMode, CityChainError, ErrorCode } from "@citychain/protocol";
import type { Command } from "commander";
import { type Output, print, printError } from "../output.ts";

export function registerNetwork(program: Command): void {
  const network = program.command("network").description("create and inspect networks");
  network
    .command("init")
    .description(
      "create the CAs, identities (admin, member, node per organisation), genesis and node homes in one step",
    )
    .requiredOption("--orgs <ids>", "comma-separated organisation ids, e.g. org1,org2,org3,org4")
    .requiredOption("--dir <dir>", "directory to create the network in")
    .option("--chain-id <id>", "chain id", "citychain-local")
    .option("--mode <mode>", `chain mode: ${CHAIN_MODES.join(", ")}`, "alliance")
    .option("--validators <n>", "how many organisations' nodes validate (1: a solo chain)", "1")
    .option("--api-port-base <port>", "API port of the first node; the others follow", "7051")
    .option("--p2p-port-base <port>", "peer-to-peer (TLS) port of the first node; default API base + 1000")
    .option("--force", "write into a directory that already holds a network")
    .option("--json", "machine-readable output")
    .action(async (o) => {
      const out: Output = { json: Boolean(o.json) };
      try {
        if (!CHAIN_MODES.includes(o.mode)) {
          throw new CityChainError(
            { code: ErrorCode.CONFIG_INVALID },
            `--mode must be one of ${CHAIN_MODES.join(", ")}`,
          );
        }
        if (existsSync(join(o.dir, "genesis.json")) && !o.force) {
          throw new CityChainError(
            { code: ErrorCode.CONFIG_INVALID },
            `${o.dir} already holds a network; choose another --dir or pass --force to overwrite it`,
          );
        }
        const validators = Number(o.validators);
        const apiPortBase = Number(o.apiPortBase);
        if (!Number.isInteger(validators) || validators < 1) {
          throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, "--validators must be a positive integer");
        }
        if (!Number.isInteger(apiPortBase) || apiPortBase < 1 || apiPortBase > 65000) {
          throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, "--api-port-base must be a port number");
        }
        const p2pPortBase = o.p2pPortBase === undefined ? undefined : Number(o.p2pPortBase);
        if (p2pPortBase !== undefined && (!Number.isInteger(p2pPortBase) || p2pPortBase < 1 || p2pPortBase > 65000)) {
          throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, "--p2p-port-base must be a port number");
        }
        const layout = await initNetwork({
          p2pPortBase,
          dir: o.dir,
          orgs: String(o.orgs)
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
          chainId: o.chainId,
          mode: o.mode as ChainMode,
          validators,
          apiPortBase,
        });
        print(
          out,
          {
            dir: layout.dir,
            chainId: layout.genesis.chainId,
            mode: layout.genesis.mode,
            genesis: layout.genesisFile,
            orgs: layout.orgs,
          },
          () =>
            [
              `network '${layout.genesis.chainId}' (${layout.genesis.mode}) created in ${layout.dir}`,
              ...layout.orgs.map(
                (org) =>
                  `  ${org.id}: CA ${org.caDir}\n    admin ${org.identities.admin}\n    member ${org.identities.member}\n    node home ${org.nodeHome}`,
              ),
              `start the first node: citychain node start --home ${layout.orgs[0].nodeHome}`,
            ].join("\n"),
        );
      } catch (e) {
        printError(out, e);
      }
    });
}
