import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnNode, waitForApi } from "@citychain/cli";
import { initNetwork, type NetworkLayout } from "@citychain/node";

/** A throw-away network in a temp directory, one node process per validator. */
export interface BenchNetwork {
  dir: string;
  layout: NetworkLayout;
  /** API URL of each running node, in the order of `layout.orgs` (validators only). */
  urls: string[];
  pids: number[];
  stop(): Promise<void>;
}

/**
 * Creates the network (a CA and identities per organisation, the genesis;
 * the first `validators` organisations run a validator), starts one node
 * process per validator with `warn` logs, and waits for their APIs. Stops
 * the nodes when this process is interrupted, so no node outlives a
 * benchmark.
 */
export async function startBenchNetwork(opts: {
  orgs: string[];
  validators: number;
  chainId: string;
}): Promise<BenchNetwork> {
  const dir = mkdtempSync(join(tmpdir(), "citychain-bench-"));
  const port = 20_000 + Math.floor(Math.random() * 400) * 50;
  const layout = await initNetwork({
    dir,
    orgs: opts.orgs,
    validators: opts.validators,
    apiPortBase: port,
    p2pPortBase: port + 25,
    chainId: opts.chainId,
  });
  const running = layout.orgs.slice(0, Math.max(1, Math.min(opts.validators, layout.orgs.length)));
  const children = running.map((org) => {
    const file = join(org.nodeHome, "config.json");
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), logLevel: "warn" }));
    return spawnNode(org.nodeHome);
  });
  const kill = () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  };
  const onSignal = () => {
    kill();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const urls = running.map((_, i) => `http://127.0.0.1:${port + i}`);
  try {
    await Promise.all(urls.map((u) => waitForApi(u, 30_000)));
  } catch (e) {
    kill();
    throw e;
  }
  return {
    dir,
    layout,
    urls,
    pids: children.map((c) => c.pid as number),
    async stop() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      kill();
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
