import { CityChainNode } from "@citychain/node";
import type { Command } from "commander";
import { type Output, printError } from "../output.ts";
import { stopOnSignals } from "../stop-on-signals.ts";

export function registerNode(program: Command): void {
  const node = program.command("node").description("run a node");
  node
    .command("start")
    .description("start a node from its home directory and run until SIGINT/SIGTERM")
    .requiredOption("--home <dir>", "the node's home directory (made by 'network init')")
    .option("--api-port <port>", "override the API port of config.json")
    .action(async (o) => {
      const out: Output = { json: false };
      try {
        const n = await CityChainNode.start({
          home: o.home,
          apiPort: o.apiPort === undefined ? undefined : Number(o.apiPort),
        });
        stopOnSignals(n);
      } catch (e) {
        printError(out, e);
        process.exit(1);
      }
    });
}
