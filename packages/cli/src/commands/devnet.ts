import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { initNetwork } from "@citychain/node";
import { CityChainError, ErrorCode } from "@citychain/protocol";
import type { Command } from "commander";
import { type Output, printError } from "../output.ts";
import { describeNodes, runNetwork } from "../run-network.ts";

export function registerDevnet(program: Command): void {
  program
    .command("devnet")
    .description("create (or reuse) an N-organisation network in DIR and run all its nodes on loopback until Ctrl-C")
    .option("--orgs <n>", "number of organisations (org1..orgN)", "4")
    .option("--dir <dir>", "network directory", ".citychain/devnet")
    .option(
      "--validators <n>",
      "how many nodes validate with BFT consensus (default: all; 1: a solo validator, the others follow)",
    )
    .option("--api-port-base <port>", "API port of the first node", "7051")
    .action(async (o) => {
      const out: Output = { json: false };
      try {
        const dir = resolve(o.dir);
        const count = Number(o.orgs);
        if (!Number.isInteger(count) || count < 1 || count > 64) {
          throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, "--orgs must be a number from 1 to 64");
        }
        if (!existsSync(join(dir, "genesis.json"))) {
          await initNetwork({
            dir,
            orgs: Array.from({ length: count }, (_, i) => `org${i + 1}`),
            chainId: "citychain-devnet",
            validators: o.validators === undefined ? count : Number(o.validators),
            apiPortBase: Number(o.apiPortBase),
          });
          process.stdout.write(`created a ${count}-organisation network in ${dir}\n`);
        } else {
          process.stdout.write(`reusing the network in ${dir}\n`);
        }
        const homes = readdirSync(join(dir, "nodes"))
          .sort()
          .map((n) => join(dir, "nodes", n));
        const nodes = await runNetwork(dir, homes);
        process.stdout.write(
          `${[...describeNodes(dir, nodes), `network.json: ${join(dir, "network.json")}`, "Ctrl-C stops the network."].join("\n")}\n`,
        );
      } catch (e) {
        printError(out, e);
        process.exit(1);
      }
    });
}
