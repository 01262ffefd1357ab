import type { ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import { Ledger } from "@citychain/ledger";
import { initNetwork, type NetworkLayout } from "@citychain/node";
import { bytesToHex, decodeTx } from "@citychain/protocol";
import { CityChainClient } from "@citychain/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomPortBase, startNodeProcess, stopNode, tempDir } from "./helpers.ts";
import { TcpProxy } from "./tcp-proxy.ts";

async function until<T>(f: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Four BFT validators; every connection to or from org4's node runs through
 * a TCP proxy, so the test can cut org4 off (all its traffic dropped) and
 * heal the link again.
 */
describe("BFT: one validator cut off by a network partition, then healed", () => {
  const dir = tempDir("citychain-partition-");
  const apiBase = randomPortBase();
  const p2pBase = apiBase + 10;
  const proxyBase = apiBase + 20;
  let layout: NetworkLayout;
  const nodes: (ChildProcess | undefined)[] = [];
  const proxies: TcpProxy[] = [];
  const url = (i: number) => `http://127.0.0.1:${apiBase + i}`;
  const acked: string[] = [];

  beforeAll(async () => {
    layout = await initNetwork({
      dir,
      orgs: ["org1", "org2", "org3", "org4"],
      validators: 4,
      apiPortBase: apiBase,
      p2pPortBase: p2pBase,
      params: { timeoutProposeMs: 1_000, timeoutPrevoteMs: 500, timeoutPrecommitMs: 500, timeoutDeltaMs: 250 },
    });
    // org_j dials org4 through proxy proxyBase+j; org4 dials org_j through proxyBase+4+j.
    for (let j = 0; j < 3; j++) {
      proxies.push(new TcpProxy(proxyBase + j, p2pBase + 3), new TcpProxy(proxyBase + 4 + j, p2pBase + j));
    }
    for (const p of proxies) await p.start();
    for (const [i, org] of layout.orgs.entries()) {
      const file = join(org.nodeHome, "config.json");
      const config = JSON.parse(readFileSync(file, "utf8"));
      config.logLevel = "warn";
      for (const peer of config.p2p.peers) {
        const j = Number(peer.name.slice(3, 4)) - 1;
        if (i !== 3 && j === 3) peer.port = proxyBase + i;
        if (i === 3) peer.port = proxyBase + 4 + j;
      }
      writeFileSync(file, JSON.stringify(config));
    }
    for (const [i, org] of layout.orgs.entries()) nodes[i] = await startNodeProcess(org.nodeHome, url(i));
  });

  afterAll(async () => {
    for (const n of nodes) if (n) await stopNode(n, "SIGKILL");
    for (const p of proxies) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the majority keeps committing while org4 is cut off; after healing org4 catches up and all agree", async () => {
    const client = async (i: number) =>
      new CityChainClient({ url: url(i), identity: await loadIdentity(layout.orgs[i].identities.member) });
    const c0 = await client(0);
    const c3 = await client(3);
    for (let k = 0; k < 3; k++) acked.push((await c0.submitTransaction("kv", "put", `before-${k}`, "x")).id);
    await until(
      async () => ((await c3.status()).height >= (await c0.status()).height ? true : undefined),
      "org4 in step",
    );

    for (const p of proxies) p.cutLink();
    const cutAt = (await c3.status()).height;
    for (let k = 0; k < 5; k++) acked.push((await c0.submitTransaction("kv", "put", `during-${k}`, "y")).id);
    const majority = (await c0.status()).height;
    expect(majority).toBeGreaterThan(cutAt);
    expect((await c3.status()).height, "the cut-off node cannot commit alone").toBe(cutAt);

    for (const p of proxies) p.heal();
    await until(
      async () => ((await c3.status()).height >= majority ? true : undefined),
      "org4 to catch up after healing",
    );
    for (let k = 0; k < 3; k++) acked.push((await c3.submitTransaction("kv", "put", `after-${k}`, "z")).id);

    const target = (await c0.status()).height;
    await until(async () => {
      const hs = await Promise.all([0, 1, 2, 3].map(async (i) => (await (await client(i)).status()).height));
      return hs.every((h) => h >= target) ? true : undefined;
    }, "every node to reach the same height");
    for (const [i, n] of nodes.entries()) {
      if (n) await stopNode(n);
      nodes[i] = undefined;
    }
    // Identical block hashes at every height, and every acknowledged transaction exactly once.
    const ledgers = layout.orgs.map((o) => Ledger.open(join(o.nodeHome, "data")));
    try {
      const heights = ledgers.map((l) => l.latestHeight());
      const common = Math.min(...heights);
      expect(common).toBeGreaterThanOrEqual(target);
      const seen = new Map<string, number>();
      for (let h = 1; h <= common; h++) {
        const hashes = new Set(ledgers.map((l) => bytesToHex(l.getCommit(h)?.blockHash ?? new Uint8Array())));
        expect(hashes.size, `height ${h}`).toBe(1);
        for (const tx of ledgers[0].getBlock(h)?.txs ?? []) {
          const id = decodeTx(tx, 1 << 22).idHex;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
      for (const id of acked) expect(seen.get(id), `acknowledged ${id}`).toBe(1);
    } finally {
      for (const l of ledgers) await l.close();
    }
  });
});
