import { connect } from "node:net";
import type { LoadedIdentity } from "@citychain/crypto";
import { ErrorCode } from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeMessage } from "../src/p2p/index.ts";
import {
  connectAll,
  createTestOrgs,
  helloFrame,
  type RunningNode,
  rawConnect,
  rawFrame,
  startNode,
  type TestOrgs,
  waitFor,
  warningsWith,
} from "./p2p-helpers.ts";

let orgs: TestOrgs;
let a: RunningNode;
let b: RunningNode;

beforeAll(async () => {
  orgs = await createTestOrgs(2);
  // Small frames so the oversize case needs few bytes; three strikes ban.
  const limits = { frameBytesMax: 64 * 1024, peerStrikesMax: 3, peerBanMs: 60_000 };
  a = await startNode(orgs, orgs.nodeIds[0], { limits });
  b = await startNode(orgs, orgs.nodeIds[1], { limits });
  connectAll([a, b]);
  await waitFor("a and b connected", () => a.node.isConnected("org2-node") && b.node.isConnected("org1-node"));
});
afterAll(async () => {
  await a.node.stop();
  await b.node.stop();
  orgs.cleanup();
});

/** Checks that a and b still exchange messages: the node keeps serving its other peers. */
async function expectStillServing(tag: string): Promise<void> {
  const got: string[] = [];
  const off = b.node.onMessage((_from, msg) => {
    if (msg.type === "test/alive") got.push(String(msg.tag));
  });
  expect(a.node.send("org2-node", { type: "test/alive", tag })).toBe(true);
  await waitFor(`a still reaches b after ${tag}`, () => got.includes(tag));
  off();
}

/** Connects as a valid member node, optionally says hello, sends `bytes`, and waits to be cut off. */
async function misbehave(who: LoadedIdentity, bytes: Buffer, hello: boolean): Promise<void> {
  const client = await rawConnect(who, a.port);
  if (hello) {
    client.socket.write(helloFrame());
    await waitFor("probe registered", () => a.node.isConnected(who.cert.commonName));
  }
  client.socket.write(bytes);
  await client.closed;
}

describe("P2PNode against a peer that sends bad bytes", () => {
  const cases: { name: string; bytes: () => Buffer; code: string }[] = [
    {
      name: "garbage bytes (not CBOR)",
      bytes: () => rawFrame(Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x13, 0x37, 0xff, 0xff])),
      code: ErrorCode.P2P_MESSAGE_INVALID,
    },
    {
      name: "an oversized length prefix",
      bytes: () => Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]),
      code: ErrorCode.P2P_FRAME_TOO_LARGE,
    },
    {
      name: "a frame just over FRAME_BYTES_MAX",
      bytes: () => {
        const h = Buffer.alloc(4);
        h.writeUInt32BE(64 * 1024 + 1, 0);
        return h;
      },
      code: ErrorCode.P2P_FRAME_TOO_LARGE,
    },
    {
      // 0x18 0x05 is 5 in a two-byte form: CBOR, but not canonical.
      name: "non-canonical CBOR",
      bytes: () => rawFrame(Buffer.from([0xa1, 0x64, 0x74, 0x79, 0x70, 0x65, 0x18, 0x05])),
      code: ErrorCode.P2P_MESSAGE_INVALID,
    },
    {
      name: "CBOR that is not a message (an array)",
      bytes: () => rawFrame(encodeMessage([1, 2, 3] as unknown as { type: string })),
      code: ErrorCode.P2P_MESSAGE_INVALID,
    },
    {
      name: "a message without a string type",
      bytes: () => rawFrame(encodeMessage({ type: 7 } as unknown as { type: string })),
      code: ErrorCode.P2P_MESSAGE_INVALID,
    },
  ];

  for (const [i, c] of cases.entries()) {
    it(`disconnects a peer that sends ${c.name}, with a logged reason, and keeps serving`, async () => {
      // A fresh certificate per case keeps strikes (and bans) from carrying over.
      const probe = await orgs.issue(1, `org2-probe-${i}`);
      const before = warningsWith(a.lines, c.code).length;
      await misbehave(probe, c.bytes(), true);
      await waitFor(`a warning with ${c.code}`, () => warningsWith(a.lines, c.code).length === before + 1);
      const line = warningsWith(a.lines, c.code)[before];
      expect(line, c.name).toMatchObject({
        peer: `org2-probe-${i}`,
        strikes: 1,
        msg: "p2p: protocol violation, disconnecting peer",
      });
      expect(line.reason, c.name).toBeTruthy();
      expect(a.node.isConnected(`org2-probe-${i}`), c.name).toBe(false);
      await expectStillServing(c.name);
    });
  }

  it("disconnects a peer that sends an application message before its hello", async () => {
    const probe = await orgs.issue(1, "org2-eager");
    const before = warningsWith(a.lines, ErrorCode.P2P_HANDSHAKE_FAILED).length;
    await misbehave(probe, rawFrame(encodeMessage({ type: "test/too-soon" })), false);
    await waitFor(
      "handshake failure logged",
      () => warningsWith(a.lines, ErrorCode.P2P_HANDSHAKE_FAILED).length > before,
    );
    await expectStillServing("before hello");
  });

  it("bans a peer after PEER_STRIKES_MAX strikes and refuses it while banned", async () => {
    const probe = await orgs.issue(1, "org2-repeat");
    for (let i = 0; i < 3; i++) await misbehave(probe, Buffer.from([0xff, 0xff, 0xff, 0xff]), true);
    const strikes = warningsWith(a.lines, ErrorCode.P2P_FRAME_TOO_LARGE).filter((l) => l.peer === "org2-repeat");
    expect(strikes.map((l) => [l.strikes, l.banned])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    const client = await rawConnect(probe, a.port);
    client.socket.write(helloFrame());
    await client.closed;
    await waitFor("ban logged", () => warningsWith(a.lines, ErrorCode.P2P_PEER_BANNED).length === 1);
    expect(a.node.isConnected("org2-repeat")).toBe(false);
    await expectStillServing("ban");
  });

  it("survives a plain TCP client that sends garbage instead of TLS", async () => {
    const sock = connect({ host: "127.0.0.1", port: a.port });
    sock.on("error", () => undefined);
    await new Promise<void>((r) => sock.once("connect", () => r()));
    sock.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise<void>((r) => sock.once("close", () => r()));
    await waitFor("TLS failure logged", () =>
      a.lines.some((l) => l.msg.includes("TLS handshake with an inbound client failed")),
    );
    await expectStillServing("plain TCP garbage");
  });

  it("strikes and disconnects a peer reported by a layer above", async () => {
    const probe = await orgs.issue(1, "org2-liar");
    const client = await rawConnect(probe, a.port);
    client.socket.write(helloFrame());
    await waitFor("liar registered", () => a.node.isConnected("org2-liar"));
    a.node.reportMisbehaviour("org2-liar", "block with a wrong hash");
    await client.closed;
    const line = warningsWith(a.lines, ErrorCode.P2P_PEER_REFUSED).find((l) => l.peer === "org2-liar");
    expect(line?.reason).toContain("block with a wrong hash");
    expect(line?.strikes).toBe(1);
  });
});
