import type { ChildProcess } from "node:child_process";
import { loadIdentity } from "@citychain/crypto";
import { type NetworkLayout, verifyChain } from "@citychain/node";
import { CityChainClient, trustAnchorOf, verifyTxProof } from "@citychain/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  randomPortBase,
  startNodeProcess,
  startProcessNetwork,
  stopNode,
  stopProcessNetwork,
  tempDir,
  until,
} from "./helpers.ts";

describe("BFT among four validator processes over mutual TLS", () => {
  const dir = tempDir("citychain-bft-");
  const apiBase = randomPortBase();
  let layout: NetworkLayout;
  let nodes: (ChildProcess | undefined)[] = [];
  const url = (i: number) => `http://127.0.0.1:${apiBase + i}`;
  const client = async (i: number) =>
    new CityChainClient({ url: url(i), identity: await loadIdentity(layout.orgs[i].identities.member) });

  beforeAll(async () => {
    ({ layout, nodes } = await startProcessNetwork(dir, apiBase, 4));
  });

  afterAll(() => stopProcessNetwork(nodes, dir));

  it("commits a transaction that every node stores, with a proof that verifies against the genesis", async () => {
    const c2 = await client(2);
    const committed = await c2.submitTransaction("kv", "put", "quorum", "of four");
    const anchor = trustAnchorOf(layout.genesis);
    const proof = await c2.getProof(committed.id);
    expect(proof.commit.sigs.length).toBeGreaterThanOrEqual(3);
    expect(verifyTxProof(proof, anchor).result.code).toBe("OK");
    for (let i = 0; i < 4; i++) {
      const c = await client(i);
      const v = await until(
        async () => Buffer.from(await c.evaluateTransaction("kv", "get", "quorum")).toString(),
        `node ${i}`,
      );
      expect(v).toBe("of four");
    }
  });

  it("keeps committing with one validator killed, stops with two, resumes when they return", async () => {
    await stopNode(nodes[3] as ChildProcess, "SIGKILL");
    nodes[3] = undefined;
    const c0 = await client(0);
    const one = await c0.submitTransaction("kv", "put", "three-of-four", "yes");
    expect(one.height).toBeGreaterThan(0);

    await stopNode(nodes[2] as ChildProcess, "SIGKILL");
    nodes[2] = undefined;
    const before = (await c0.status()).height;
    // Two of four hold 20 of 40 power: no block may be decided.
    const { buildSignedTx } = await import("@citychain/sdk");
    const member = await loadIdentity(layout.orgs[0].identities.member);
    const stuck = buildSignedTx(
      {
        chainId: layout.genesis.chainId,
        contract: "kv",
        fn: "put",
        args: ["two-of-four", "no"],
        expiresAt: before + 1000,
      },
      [member],
    );
    const [waited] = await c0.submitRaw([stuck.bytes], { wait: true, timeoutMs: 4_000 });
    expect(waited.code).toBe("TX_COMMIT_TIMEOUT");
    expect((await c0.status()).height).toBe(before);

    nodes[2] = await startNodeProcess(layout.orgs[2].nodeHome, url(2));
    nodes[3] = await startNodeProcess(layout.orgs[3].nodeHome, url(3));
    const c3 = await client(3);
    await until(
      async () => {
        const v = await c3.evaluateTransaction("kv", "get", "two-of-four");
        return Buffer.from(v).toString();
      },
      "the stuck transaction to commit once a quorum is back",
      60_000,
    );
    const target = (await c0.status()).height;
    await until(async () => ((await c3.status()).height >= target ? true : undefined), "node 4 to catch up");
    for (let h = 1; h <= target; h++) {
      const hashes = await Promise.all([0, 1, 2, 3].map(async (i) => (await (await client(i)).getBlock(h)).hash));
      expect(new Set(hashes).size, `height ${h}: ${hashes.join(" ")}`).toBe(1);
    }
  });

  it("every node's chain verifies offline", async () => {
    for (const [i, n] of nodes.entries()) {
      if (n) await stopNode(n);
      nodes[i] = undefined;
    }
    for (const org of layout.orgs) {
      const report = await verifyChain(org.nodeHome, { threads: 1 });
      expect(report.fault, org.id).toBeUndefined();
    }
  });
});
