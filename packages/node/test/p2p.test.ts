import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SyncTransport } from "../src/block-sync.ts";
import { Gossip, type P2PMessage, type P2PNode } from "../src/p2p/index.ts";
import { connectAll, createTestOrgs, type RunningNode, startNode, type TestOrgs, waitFor } from "./p2p-helpers.ts";

let orgs: TestOrgs;
let running: RunningNode[] = [];

beforeAll(async () => {
  orgs = await createTestOrgs(4);
});
afterAll(() => orgs.cleanup());
afterEach(async () => {
  await Promise.all(running.map((r) => r.node.stop()));
  running = [];
});

async function startAll(count: number): Promise<RunningNode[]> {
  running = await Promise.all(orgs.nodeIds.slice(0, count).map((id) => startNode(orgs, id)));
  connectAll(running);
  await waitFor("full mesh", () => running.every((r) => r.node.peers().length === count - 1));
  return running;
}

describe("P2PNode over mutual TLS 1.3 (Ed25519 node certificates)", () => {
  it("connects a 4-organisation network and exchanges messages both ways", async () => {
    const [a, b] = await startAll(4);
    const got: { at: string; from: string; msg: P2PMessage }[] = [];
    for (const r of running) r.node.onMessage((from, msg) => got.push({ at: r.node.name, from, msg }));

    expect(a.node.send("org2-node", { type: "test/ping", n: 1, data: new Uint8Array([1, 2, 3]) })).toBe(true);
    expect(b.node.send("org1-node", { type: "test/pong", n: 2 })).toBe(true);
    await waitFor("ping and pong", () => got.length === 2);
    const ping = got.find((g) => g.msg.type === "test/ping");
    const pong = got.find((g) => g.msg.type === "test/pong");
    expect(ping).toMatchObject({ at: "org2-node", from: "org1-node", msg: { n: 1 } });
    expect(ping?.msg.data).toEqual(new Uint8Array([1, 2, 3]));
    expect(pong).toMatchObject({ at: "org1-node", from: "org2-node", msg: { n: 2 } });

    const info = a.node.peers().find((p) => p.name === "org3-node");
    expect(info).toMatchObject({ name: "org3-node", orgId: "org3" });
    expect(info?.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(info?.connectedSinceMs).toBeGreaterThan(0);
    expect(a.node.send("nobody", { type: "test/ping" })).toBe(false);
  });

  it("broadcast reaches every other node", async () => {
    const [a] = await startAll(4);
    const got = new Map<string, string>();
    for (const r of running) r.node.onMessage((from, msg) => got.set(r.node.name, `${from}:${msg.type}`));
    expect(a.node.broadcast({ type: "test/hello-all" })).toBe(3);
    await waitFor("broadcast delivered", () => got.size === 3);
    expect(Object.fromEntries(got)).toEqual({
      "org2-node": "org1-node:test/hello-all",
      "org3-node": "org1-node:test/hello-all",
      "org4-node": "org1-node:test/hello-all",
    });
  });

  it("keeps one connection per pair when both sides dial, the one dialled by the lower fingerprint", async () => {
    await startAll(4);
    // Let any losing duplicates finish closing.
    await waitFor("duplicates closed", () => running.every((r) => r.node.stats().connections === 3));
    for (const r of running) {
      for (const p of r.node.peers()) {
        const other = running.find((o) => o.node.name === p.name);
        const mine = orgs.nodeIds.find((id) => id.cert.commonName === r.node.name)?.cert.fingerprintHex ?? "";
        const expectOutbound = mine < p.fingerprintHex;
        expect(p.outbound, `${r.node.name} -> ${p.name}`).toBe(expectOutbound);
        const back = other?.node.peers().find((q) => q.name === r.node.name);
        expect(back?.outbound, `${p.name} -> ${r.node.name}`).toBe(!expectOutbound);
      }
    }
  });

  it("gossips a transaction so that each node accepts and forwards it once", async () => {
    // A line a - b - c - d: a transaction from a must be relayed to reach d.
    running = await Promise.all(orgs.nodeIds.map((id) => startNode(orgs, id)));
    for (let i = 0; i + 1 < running.length; i++) {
      running[i].node.addPeer({ name: running[i + 1].node.name, host: "127.0.0.1", port: running[i + 1].port });
    }
    await waitFor("line connected", () => running[1].node.peers().length === 2 && running[2].node.peers().length === 2);
    const accepted = new Map<string, number>();
    const sent = new Map<string, number>();
    const gossips = running.map(
      (r) =>
        new Gossip(r.node, {
          accept: (_payload, from) => {
            accepted.set(r.node.name, (accepted.get(r.node.name) ?? 0) + 1);
            expect(from).toBeDefined();
            return true;
          },
        }),
    );
    for (const r of running) r.node.onMessage(() => sent.set(r.node.name, (sent.get(r.node.name) ?? 0) + 1));
    const tx = new Uint8Array([9, 9, 9, 1]);
    expect(gossips[0].publish(tx)).toBe(true);
    expect(gossips[0].publish(tx)).toBe(false);
    await waitFor("tx reached the far end", () => accepted.get("org4-node") === 1);
    // Give any duplicate relay time to arrive before counting.
    await new Promise((r) => setTimeout(r, 100));
    expect(Object.fromEntries(accepted)).toEqual({ "org2-node": 1, "org3-node": 1, "org4-node": 1 });
    // Each node forwards to its peers except the sender, so every link carries it once.
    expect(Object.fromEntries(sent)).toEqual({ "org2-node": 1, "org3-node": 1, "org4-node": 1 });
    expect(gossips[3].seenSize).toBe(1);
  });

  it("reconnects with backoff after a peer stops and restarts on the same port", async () => {
    const [a, b] = await startAll(2);
    const downs: string[] = [];
    const ups: string[] = [];
    a.node.onPeerDisconnected((p, reason) => downs.push(`${p.name}: ${reason}`));
    a.node.onPeerConnected((p) => ups.push(p.name));
    await b.node.stop();
    await waitFor("a sees b gone", () => a.node.peers().length === 0);
    expect(downs).toHaveLength(1);
    // b is down a while: a keeps retrying with growing delays (20, 40, 80, ... ms, capped at 200).
    await new Promise((r) => setTimeout(r, 300));
    const scheduled = a.lines.filter((l) => l.msg === "p2p: dial scheduled" && l.peer === "org2-node");
    const delays = scheduled.map((l) => l.delayMs as number);
    expect(delays.slice(0, 4)).toEqual([0, 20, 40, 80]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(200);

    const b2 = await startNode(orgs, orgs.nodeIds[1], { port: b.port });
    running[1] = b2;
    await waitFor("a reconnected to restarted b", () => a.node.isConnected("org2-node"));
    expect(ups).toEqual(["org2-node"]);
    const got: string[] = [];
    b2.node.onMessage((from, msg) => got.push(`${from}:${msg.type}`));
    a.node.send("org2-node", { type: "test/after-restart" });
    await waitFor("message after restart", () => got.length === 1);
    expect(got).toEqual(["org1-node:test/after-restart"]);
  });

  it("stop() closes every connection and timer, and later sends return false", async () => {
    const [a, b] = await startAll(2);
    await a.node.stop();
    expect(a.node.stats()).toEqual({ peers: 0, connections: 0, handshakesPending: 0 });
    expect(a.node.send("org2-node", { type: "test/x" })).toBe(false);
    await waitFor("b sees a gone", () => b.node.peers().length === 0);
    // b redials a in vain; stopping b must end that loop too (the test would leak a timer otherwise).
    await b.node.stop();
    expect(b.node.stats().connections).toBe(0);
  });

  it("works with P-256 node certificates as well", async () => {
    const p1 = await orgs.issue(0, "p256-node-a", { alg: "p256" });
    const p2 = await orgs.issue(1, "p256-node-b", { alg: "p256" });
    const a = await startNode(orgs, p1);
    const b = await startNode(orgs, p2);
    running = [a, b];
    connectAll(running);
    await waitFor("p256 nodes connected", () => a.node.isConnected("p256-node-b") && b.node.isConnected("p256-node-a"));
  });

  it("is usable as block sync's transport", () => {
    // Checked by the type checker: P2PNode satisfies SyncTransport.
    const asTransport = (n: P2PNode): SyncTransport => n;
    expect(typeof asTransport).toBe("function");
  });
});
