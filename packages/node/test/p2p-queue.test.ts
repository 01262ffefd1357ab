import { ErrorCode } from "@citychain/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SendQueueFullPolicy } from "../src/p2p/index.ts";
import {
  createTestOrgs,
  helloFrame,
  type RunningNode,
  rawConnect,
  startNode,
  type TestOrgs,
  waitFor,
  warningsWith,
} from "./p2p-helpers.ts";

let orgs: TestOrgs;
let node: RunningNode | undefined;

beforeAll(async () => {
  orgs = await createTestOrgs(2);
});
afterAll(() => orgs.cleanup());
afterEach(async () => {
  await node?.node.stop();
});

const QUEUE_MESSAGES_MAX = 8;
const QUEUE_BYTES_MAX = 1024 * 1024;
const PAYLOAD_BYTES = 256 * 1024;
/** Enough to fill the kernel's socket buffers and then the queue (loopback buffers are a few MiB). */
const SENDS = 400;

/** A peer that completes the handshake and then stops reading. */
async function startWithStalledPeer(policy: SendQueueFullPolicy) {
  node = await startNode(orgs, orgs.nodeIds[0], {
    limits: {
      sendQueueMessagesMax: QUEUE_MESSAGES_MAX,
      sendQueueBytesMax: QUEUE_BYTES_MAX,
      sendQueueFullPolicy: policy,
      // Pings would count among the dropped frames.
      keepaliveIntervalMs: 0,
    },
  });
  const probe = await orgs.issue(1, `org2-slow-${policy}`);
  const client = await rawConnect(probe, node.port);
  client.socket.write(helloFrame());
  await waitFor("slow peer registered", () => node?.node.isConnected(probe.cert.commonName) === true);
  client.socket.pause();
  return { n: node, client, name: probe.cert.commonName };
}

describe("P2PNode send queues", () => {
  it('"drop": refuses messages beyond the bound, never queues more than the bound, and logs it', async () => {
    const { n, client, name } = await startWithStalledPeer("drop");
    const payload = new Uint8Array(PAYLOAD_BYTES);
    let accepted = 0;
    for (let i = 0; i < SENDS; i++) {
      if (n.node.send(name, { type: "test/bulk", i, payload })) accepted++;
      const s = n.node.peerStats(name);
      expect(s?.queuedFrames, `send ${i}`).toBeLessThanOrEqual(QUEUE_MESSAGES_MAX);
      expect(s?.queuedBytes, `send ${i}`).toBeLessThanOrEqual(QUEUE_BYTES_MAX);
    }
    const stats = n.node.peerStats(name);
    expect(accepted).toBeLessThan(SENDS);
    expect(stats?.framesDropped).toBe(SENDS - accepted);
    expect(n.node.isConnected(name)).toBe(true);
    // One warning, not one per dropped message.
    expect(warningsWith(n.lines, ErrorCode.P2P_SEND_QUEUE_FULL)).toHaveLength(1);
    client.socket.destroy();
  });

  it('"disconnect": cuts off the slow peer when its queue is full', async () => {
    const { n, client, name } = await startWithStalledPeer("disconnect");
    const payload = new Uint8Array(PAYLOAD_BYTES);
    let refusedAt = -1;
    for (let i = 0; i < SENDS && refusedAt < 0; i++) {
      if (!n.node.send(name, { type: "test/bulk", i, payload })) refusedAt = i;
    }
    expect(refusedAt).toBeGreaterThan(0);
    // The paused client would see the close only after reading its backlog: watch the node's side.
    await waitFor("slow peer disconnected", () => !n.node.isConnected(name));
    expect(n.node.stats().connections).toBe(0);
    client.socket.destroy();
    expect(n.lines.some((l) => l.msg === "p2p: send queue full, disconnecting the slow peer")).toBe(true);
  });

  it("delivers everything queued once the peer reads again", async () => {
    const { n, client, name } = await startWithStalledPeer("drop");
    const payload = new Uint8Array(PAYLOAD_BYTES);
    let accepted = 0;
    for (let i = 0; i < 40; i++) if (n.node.send(name, { type: "test/bulk", i, payload })) accepted++;
    const bytesWanted = accepted * PAYLOAD_BYTES;
    client.socket.resume();
    const received = () => client.received.reduce((s, b) => s + b.length, 0);
    await waitFor("queued frames flushed", () => received() > bytesWanted);
    expect(n.node.peerStats(name)?.queuedFrames).toBe(0);
  });
});
