import { openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readNodeConfig } from "@citychain/node";
import { spawnNode, waitForApi } from "./spawn-node.ts";

export interface RunningNode {
  name: string;
  orgId: string;
  url: string;
  producer: string;
  child: ReturnType<typeof spawnNode>;
}

/**
 * Starts one process per node home (logs to DIR/<node>.log), waits until
 * every API answers, writes DIR/network.json, and stops them all on
 * SIGINT/SIGTERM or when any one exits. Resolves with the running nodes.
 */
export async function runNetwork(dir: string, homes: string[]): Promise<RunningNode[]> {
  const nodes: RunningNode[] = [];
  let stopping = false;
  const stopAll = () => {
    stopping = true;
    for (const n of nodes) n.child.kill("SIGTERM");
  };
  process.on("SIGINT", stopAll);
  process.on("SIGTERM", stopAll);
  for (const home of homes) {
    const config = readNodeConfig(home);
    const child = spawnNode(home, { logFile: openSync(join(dir, `${config.name}.log`), "a") });
    const node = {
      name: config.name,
      orgId: config.orgId,
      url: `http://${config.api.host}:${config.api.port}`,
      producer: config.producer,
      child,
    };
    nodes.push(node);
    child.on("exit", (code) => {
      process.stdout.write(`node ${config.name} exited (${code ?? "signal"})\n`);
      if (!stopping) stopAll();
      if (nodes.every((n) => n.child.exitCode !== null || n.child.signalCode !== null)) process.exit(code ?? 0);
    });
  }
  await Promise.all(nodes.map((n) => waitForApi(n.url, 30_000)));
  writeFileSync(
    join(dir, "network.json"),
    `${JSON.stringify({ nodes: nodes.map((n) => ({ name: n.name, orgId: n.orgId, apiUrl: n.url, pid: n.child.pid })) }, null, 2)}\n`,
  );
  return nodes;
}

/** One line per node for the console. */
export function describeNodes(dir: string, nodes: RunningNode[]): string[] {
  return nodes.map(
    (n) =>
      `node ${n.name} (${n.producer === "none" ? "follower" : "validator"}) serves ${n.url}  (log: ${join(dir, `${n.name}.log`)})`,
  );
}
