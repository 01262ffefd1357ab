import type { ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import { Ledger } from "@citychain/ledger";
import { initNetwork, type NetworkLayout } from "@citychain/node";
import { bytesToHex, decodeTx } from "@citychain/protocol";
import { buildSignedTx, CityChainClient } from "@citychain/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomPortBase, startNodeProcess, stopNode, tempDir, until } from "./helpers.ts";
import { TcpProxy } from "./tcp-proxy.ts";

/** Accounts of org1 between which the stream moves tokens; the supply minted first never changes. */
const ACCOUNTS = ["org1/a0", "org1/a1", "org1/a2", "org1/a3"];
const MINT_EACH = 1_000;
/** Upper bound on stream iterations, so the loop always ends. */
const STREAM_ROUNDS_MAX = 2_000;

/**
 * Four BFT validators; every connection to or from org4's node runs through
 * a TCP proxy, so the test can cut org4 off (all its traffic dropped) and
 * heal the link. A stream of token transfers runs throughout while the test
 * (a) kills one validator, (b) kills a second, (c) restarts both, (d) cuts
 * org4 off and heals it.
 */
describe("BFT fault tests with real processes", () => {
  const dir = tempDir("citychain-faults-");
  const apiBase = randomPortBase();
  const p2pBase = apiBase + 10;
  const proxyBase = apiBase + 20;
  let layout: NetworkLayout;
  const nodes: (ChildProcess | undefined)[] = [];
  const proxies: TcpProxy[] = [];
  const url = (i: number) => `http://127.0.0.1:${apiBase + i}`;
  const acked = new Set<string>();

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

  it("commits go on with one down, stop with two, resume; a partitioned node catches up; total conserved, nothing lost or doubled", async () => {
    const client = async (i: number, role: "member" | "admin" = "member") =>
      new CityChainClient({ url: url(i), identity: await loadIdentity(layout.orgs[i].identities[role]) });
    const admin = await client(0, "admin");
    for (const a of ACCOUNTS) await admin.submitTransaction("token", "mint", a, String(MINT_EACH));
    const member = await loadIdentity(layout.orgs[0].identities.member);
    const entry = [await client(0), await client(1)];
    const height = async (i: number) => (await (await client(i)).status()).height;

    // The stream: transfers between org1's accounts through the two nodes that stay up.
    let streaming = true;
    const stream = (async () => {
      for (let k = 0; k < STREAM_ROUNDS_MAX && streaming; k++) {
        const from = ACCOUNTS[k % ACCOUNTS.length];
        const to = ACCOUNTS[(k + 1) % ACCOUNTS.length];
        const tx = buildSignedTx(
          {
            chainId: layout.genesis.chainId,
            contract: "token",
            fn: "transfer",
            args: [from, to, String(1 + (k % 7))],
            expiresAt: (await height(0)) + 500,
          },
          [member],
        );
        try {
          const [r] = await entry[k % 2].submitRaw([tx.bytes], { wait: true, timeoutMs: 3_000 });
          // Committed, whatever its result code: it is on chain and must stay there exactly once.
          if (r.height !== undefined && r.id) acked.add(r.id);
        } catch {
          // A node briefly unreachable: nothing was acknowledged.
        }
      }
    })();
    const ackedGrowsBy = async (n: number, what: string) => {
      const start = acked.size;
      await until(async () => (acked.size >= start + n ? true : undefined), what);
    };

    await ackedGrowsBy(10, "the stream to commit");
    // (a) one of four down: commits go on.
    await stopNode(nodes[3] as ChildProcess, "SIGKILL");
    nodes[3] = undefined;
    await ackedGrowsBy(10, "commits with one validator down");
    // (b) two down: commits stop, and the two survivors agree on what they have.
    await stopNode(nodes[2] as ChildProcess, "SIGKILL");
    nodes[2] = undefined;
    await new Promise((r) => setTimeout(r, 1_500));
    const stalled = await height(0);
    const ackedWhenStalled = acked.size;
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await height(0), "no block without a quorum").toBe(stalled);
    expect(acked.size).toBe(ackedWhenStalled);
    for (let h = 1; h <= stalled; h++) {
      const [a, b] = await Promise.all([entry[0].getBlock(h), entry[1].getBlock(h)]);
      expect(b.hash, `height ${h}`).toBe(a.hash);
    }
    // (c) both back: they catch up and commits resume.
    nodes[2] = await startNodeProcess(layout.orgs[2].nodeHome, url(2));
    nodes[3] = await startNodeProcess(layout.orgs[3].nodeHome, url(3));
    await ackedGrowsBy(10, "commits to resume");
    await until(async () => ((await height(3)) >= stalled ? true : undefined), "org4 to catch up after restart");
    // (d) org4 cut off: the other three go on; org4 stands still; healed, it catches up.
    for (const p of proxies) p.cutLink();
    await new Promise((r) => setTimeout(r, 500));
    const cutAt = await height(3);
    await ackedGrowsBy(10, "commits while org4 is cut off");
    expect(await height(3), "the cut-off node cannot commit alone").toBe(cutAt);
    for (const p of proxies) p.heal();
    const majority = await height(0);
    await until(async () => ((await height(3)) >= majority ? true : undefined), "org4 to catch up after healing");

    streaming = false;
    await stream;
    const target = await height(0);
    await until(
      async () => {
        const hs = await Promise.all([0, 1, 2, 3].map(height));
        return hs.every((h) => h >= target) ? true : undefined;
      },
      "every node to reach the same height",
      60_000,
    );
    const supply = Buffer.from(await entry[0].evaluateTransaction("token", "supply")).toString();
    let sum = 0;
    for (const a of ACCOUNTS)
      sum += Number(Buffer.from(await entry[1].evaluateTransaction("token", "balance", a)).toString());
    expect(Number(supply)).toBe(ACCOUNTS.length * MINT_EACH);
    expect(sum, "tokens are conserved").toBe(Number(supply));

    for (const [i, n] of nodes.entries()) {
      if (n) await stopNode(n);
      nodes[i] = undefined;
    }
    // Identical block hashes at every height, and every acknowledged transaction exactly once.
    const ledgers = layout.orgs.map((o) => Ledger.open(join(o.nodeHome, "data")));
    try {
      const common = Math.min(...ledgers.map((l) => l.latestHeight()));
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
      expect(acked.size).toBeGreaterThanOrEqual(40);
      for (const id of acked) expect(seen.get(id), `acknowledged ${id}`).toBe(1);
      expect(
        [...seen.values()].every((n) => n === 1),
        "no transaction twice",
      ).toBe(true);
    } finally {
      for (const l of ledgers) await l.close();
    }
  });
});
