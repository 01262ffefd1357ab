import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectAll,
  createTestOrgs,
  helloFrame,
  type RunningNode,
  rawConnect,
  startNode,
  type TestOrgs,
  waitFor,
} from "./p2p-helpers.ts";

let orgs: TestOrgs;
let nodes: RunningNode[] = [];

beforeAll(async () => {
  orgs = await createTestOrgs(2);
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.node.stop()));
  orgs.cleanup();
});

describe("P2PNode keepalive", () => {
  it("keeps quiet but live peers connected and drops a peer that goes silent", async () => {
    const limits = { keepaliveIntervalMs: 25, idleTimeoutMs: 150 };
    nodes = await Promise.all(orgs.nodeIds.map((id) => startNode(orgs, id, { limits })));
    const [a, b] = nodes;
    connectAll(nodes);
    await waitFor("a and b connected", () => a.node.isConnected("org2-node") && b.node.isConnected("org1-node"));
    const drops: string[] = [];
    a.node.onPeerDisconnected((p, reason) => drops.push(`${p.name}: ${reason}`));

    // A peer that completes the handshake and then never sends a byte (not even pings).
    const mute = await orgs.issue(1, "org2-mute");
    const client = await rawConnect(mute, a.port);
    client.socket.write(helloFrame());
    await waitFor("mute peer registered", () => a.node.isConnected("org2-mute"));
    await waitFor("mute peer dropped", () => !a.node.isConnected("org2-mute"), 2_000);
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatch(/^org2-mute: nothing received for \d+ ms \(idle timeout 150 ms\)$/);
    // Meanwhile b, which pings, stayed connected the whole time.
    expect(a.node.isConnected("org2-node")).toBe(true);
    expect(a.node.peerStats("org2-node")?.framesIn).toBeGreaterThan(3);
    client.socket.destroy();
  });
});
