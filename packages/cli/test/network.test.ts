import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { loadIdentity } from "@citychain/crypto";
import { initNetwork, type NetworkLayout } from "@citychain/node";
import { CityChainClient } from "@citychain/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomPortBase, startNodeProcess, stopNode, tempDir, until } from "./helpers.ts";

describe("four organisations over mutual TLS: one validator, three followers", () => {
  const dir = tempDir("citychain-net-");
  const apiBase = randomPortBase();
  const p2pBase = apiBase + 20;
  let layout: NetworkLayout;
  const nodes: (ChildProcess | undefined)[] = [];
  const url = (i: number) => `http://127.0.0.1:${apiBase + i}`;

  beforeAll(async () => {
    layout = await initNetwork({
      dir,
      orgs: ["org1", "org2", "org3", "org4"],
      validators: 1,
      apiPortBase: apiBase,
      p2pPortBase: p2pBase,
      params: { emptyBlockIntervalMs: 1_000 },
    });
    for (const [i, org] of layout.orgs.entries()) nodes[i] = await startNodeProcess(org.nodeHome, url(i));
  });

  afterAll(async () => {
    for (const n of nodes) if (n) await stopNode(n, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("a transaction sent to a follower is gossiped, committed and synced to every node", async () => {
    const member3 = await loadIdentity(layout.orgs[2].identities.member);
    const viaFollower = new CityChainClient({ url: url(2), identity: member3 });
    const committed = await viaFollower.submitTransaction("kv", "put", "across", "the city");
    expect(committed.height).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) {
      const identity = await loadIdentity(layout.orgs[i].identities.member);
      const client = new CityChainClient({ url: url(i), identity });
      const value = await until(
        async () => {
          const v = await client.evaluateTransaction("kv", "get", "across");
          return Buffer.from(v).toString();
        },
        `node ${i} to have the value`,
        20_000,
      );
      expect(value, `node ${i}`).toBe("the city");
    }
    const status = await new CityChainClient({ url: url(0), identity: member3 }).status();
    expect(status.peers.length).toBe(3);
  });

  it("a follower that was down catches up with identical blocks", async () => {
    const follower = nodes[3] as ChildProcess;
    await stopNode(follower, "SIGKILL");
    nodes[3] = undefined;
    const member1 = await loadIdentity(layout.orgs[0].identities.member);
    const validator = new CityChainClient({ url: url(0), identity: member1 });
    for (let i = 0; i < 5; i++) await validator.submitTransaction("kv", "put", `while-down-${i}`, "x");
    const target = (await validator.status()).height;
    nodes[3] = await startNodeProcess(layout.orgs[3].nodeHome, url(3));
    const member4 = await loadIdentity(layout.orgs[3].identities.member);
    const back = new CityChainClient({ url: url(3), identity: member4 });
    await until(async () => ((await back.status()).height >= target ? true : undefined), "the follower to catch up");
    for (let h = 1; h <= target; h++) {
      const [a, b] = await Promise.all([validator.getBlock(h), back.getBlock(h)]);
      expect(b.hash, `block ${h}`).toBe(a.hash);
    }
  });
});
