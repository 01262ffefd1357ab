import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { loadIdentity } from "@citychain/crypto";
import { initNetwork, verifyChain } from "@citychain/node";
import { buildSignedTx, CityChainClient } from "@citychain/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { randomPortBase, startNodeProcess, stopNode, tempDir } from "./helpers.ts";

/** Batches in flight at once and their size while the node is killed. */
const LANES = 3;
const BATCH = 25;
const ACKS_BEFORE_KILL = 400;
const ROUNDS_MAX = 400;

describe("SIGKILL while transactions stream in", () => {
  const dir = tempDir("citychain-crash-");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loses nothing acknowledged; heights stay continuous; verify is clean", async () => {
    const port = randomPortBase();
    const url = `http://127.0.0.1:${port}`;
    const layout = await initNetwork({
      dir,
      orgs: ["org1"],
      validators: 1,
      apiPortBase: port,
      p2pPortBase: port + 10,
      params: { blockIntervalMs: 20 },
    });
    const home = layout.orgs[0].nodeHome;
    const identity = await loadIdentity(layout.orgs[0].identities.member);
    let node: ChildProcess = await startNodeProcess(home, url);
    const client = new CityChainClient({ url, identity });
    const acked = new Set<string>();
    let killed = false;
    let seq = 0;

    const lane = async (laneNo: number) => {
      for (let round = 0; round < ROUNDS_MAX && !killed; round++) {
        const txs = Array.from({ length: BATCH }, () =>
          buildSignedTx(
            {
              chainId: layout.genesis.chainId,
              contract: "kv",
              fn: "put",
              args: [`k${laneNo}-${seq++}`, "v"],
              expiresAt: 5_000,
            },
            [identity],
          ),
        );
        try {
          const results = await client.submitRaw(
            txs.map((t) => t.bytes),
            { wait: true, timeoutMs: 10_000 },
          );
          for (const r of results) if (r.code === "OK" && r.id) acked.add(r.id);
        } catch (e) {
          // The connection died with the node: these were never acknowledged.
          if (!killed) throw e;
          return;
        }
        if (acked.size >= ACKS_BEFORE_KILL && !killed) {
          killed = true;
          node.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    expect(killed, "the stream reached the kill point").toBe(true);
    await stopNode(node, "SIGKILL");

    node = await startNodeProcess(home, url);
    try {
      const status = await client.status();
      expect(status.height).toBeGreaterThan(0);
      const missing: string[] = [];
      for (const id of acked) {
        try {
          const t = await client.getTx(id);
          if (t.code !== "OK") missing.push(`${id}: ${t.code}`);
        } catch (e) {
          missing.push(`${id}: ${(e as Error).message}`);
        }
      }
      expect(missing, "acknowledged transactions missing after restart").toEqual([]);
      for (let h = 1; h <= status.height; h++) {
        const b = await client.getBlock(h);
        expect(b.height, `block ${h}`).toBe(h);
      }
      // The restarted node keeps committing.
      const more = await client.submitTransaction("kv", "put", "after-restart", "yes");
      expect(more.height).toBeGreaterThan(status.height);
    } finally {
      await stopNode(node);
    }
    const report = await verifyChain(home, { threads: 1 });
    expect(report.fault).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.txs).toBeGreaterThanOrEqual(acked.size);
  });
});
