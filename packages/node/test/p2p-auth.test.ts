import { createServer } from "node:tls";
import type { LoadedIdentity } from "@citychain/crypto";
import { ErrorCode } from "@citychain/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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
let server: RunningNode;
let revokedFp = "";

beforeAll(async () => {
  orgs = await createTestOrgs(3);
});
afterAll(() => orgs.cleanup());
afterEach(async () => {
  await server?.node.stop();
});

/** Starts org1's node with a revocation list holding revokedFp. */
async function startServer(): Promise<RunningNode> {
  server = await startNode(orgs, orgs.nodeIds[0], { isRevoked: (fp) => fp === revokedFp });
  return server;
}

/**
 * A client with `identity` connects, completes TLS and sends a hello; the
 * node must close the connection, log `code` as the reason, and never list
 * the client as a peer.
 */
async function expectRefused(identity: LoadedIdentity, code: string): Promise<void> {
  const s = await startServer();
  const client = await rawConnect(identity, s.port);
  client.socket.write(helloFrame());
  await client.closed;
  await waitFor(`a warning with ${code}`, () => warningsWith(s.lines, code).length === 1);
  const line = warningsWith(s.lines, code)[0];
  expect(line.msg).toBe("p2p: peer refused");
  expect(line.reason).toBeTruthy();
  expect(s.node.peers()).toEqual([]);
  // The node answered no hello: nothing was sent to the refused client.
  expect(Buffer.concat(client.received).length).toBe(0);
}

describe("P2PNode refuses peers that are not member nodes", () => {
  it("accepts a member node's certificate (the control case)", async () => {
    const s = await startServer();
    const probe = await orgs.issue(1, "org2-probe");
    const client = await rawConnect(probe, s.port);
    client.socket.write(helloFrame());
    await waitFor("probe registered", () => s.node.isConnected("org2-probe"));
    expect(s.node.peers()[0]).toMatchObject({ name: "org2-probe", orgId: "org2", outbound: false });
    client.socket.destroy();
  });

  it("refuses a certificate from an unknown CA", async () => {
    await expectRefused(await orgs.rogue("rogue-node"), ErrorCode.CERT_UNKNOWN_CA);
  });

  it("refuses an expired node certificate", async () => {
    const day = 24 * 3600_000;
    const expired = await orgs.issue(1, "org2-old", {
      notBefore: new Date(Date.now() - 10 * day),
      notAfter: new Date(Date.now() - day),
    });
    await expectRefused(expired, ErrorCode.CERT_EXPIRED);
  });

  it("refuses a revoked node certificate", async () => {
    const revoked = await orgs.issue(2, "org3-stolen");
    revokedFp = revoked.cert.fingerprintHex;
    await expectRefused(revoked, ErrorCode.CERT_REVOKED);
  });

  it("refuses a member (non-node) certificate", async () => {
    await expectRefused(await orgs.issue(1, "alice@org2", { role: "member" }), ErrorCode.CERT_ROLE_FORBIDDEN);
  });

  it("refuses a peer on another chain in the hello", async () => {
    const s = await startServer();
    const probe = await orgs.issue(1, "org2-other-chain");
    const client = await rawConnect(probe, s.port);
    client.socket.write(helloFrame("some-other-chain"));
    await client.closed;
    await waitFor("chain mismatch logged", () => warningsWith(s.lines, ErrorCode.P2P_HANDSHAKE_FAILED).length === 1);
    expect(warningsWith(s.lines, ErrorCode.P2P_HANDSHAKE_FAILED)[0].reason).toContain("some-other-chain");
    expect(s.node.peers()).toEqual([]);
  });

  it("refuses a TLS client without a certificate", async () => {
    const s = await startServer();
    const { connect } = await import("node:tls");
    const socket = connect({ host: "127.0.0.1", port: s.port, rejectUnauthorized: false });
    socket.on("error", () => undefined);
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await waitFor("no-cert refusal logged", () => warningsWith(s.lines, ErrorCode.P2P_HANDSHAKE_FAILED).length === 1);
    expect(s.node.peers()).toEqual([]);
  });

  it("refuses, when dialling, a server whose certificate is not a member's, and keeps retrying with backoff", async () => {
    const rogue = await orgs.rogue("org2-node");
    const keyPem = rogue.keyPair.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const rogueServer = createServer({ cert: rogue.certPem, key: keyPem, minVersion: "TLSv1.3" }, (sock) =>
      sock.on("error", () => undefined),
    );
    await new Promise<void>((r) => rogueServer.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (rogueServer.address() as { port: number }).port;
      server = await startNode(orgs, orgs.nodeIds[0], { peers: [{ name: "org2-node", host: "127.0.0.1", port }] });
      await waitFor("two refusals", () => warningsWith(server.lines, ErrorCode.CERT_UNKNOWN_CA).length >= 2);
      expect(server.node.peers()).toEqual([]);
    } finally {
      await new Promise<void>((r) => rogueServer.close(() => r()));
    }
  });

  it("refuses a dialled node that is not the configured one, or not of the pinned org", async () => {
    const other = await startNode(orgs, orgs.nodeIds[2]);
    try {
      server = await startNode(orgs, orgs.nodeIds[0], {
        peers: [{ name: "org2-node", host: "127.0.0.1", port: other.port }],
      });
      await waitFor("name mismatch", () => warningsWith(server.lines, ErrorCode.P2P_PEER_REFUSED).length >= 1);
      expect(warningsWith(server.lines, ErrorCode.P2P_PEER_REFUSED)[0].reason).toContain('"org3-node"');
      await server.node.stop();

      server = await startNode(orgs, orgs.nodeIds[0], {
        peers: [{ name: "org3-node", host: "127.0.0.1", port: other.port, orgId: "org2" }],
      });
      await waitFor("org pin mismatch", () => warningsWith(server.lines, ErrorCode.P2P_PEER_REFUSED).length >= 1);
      expect(warningsWith(server.lines, ErrorCode.P2P_PEER_REFUSED)[0].reason).toContain('org "org2"');
      expect(server.node.peers()).toEqual([]);
    } finally {
      await other.node.stop();
    }
  });

  it("drops a connected peer whose certificate is revoked later (recheckPeers)", async () => {
    const s = await startServer();
    const probe = await orgs.issue(1, "org2-later-revoked");
    const client = await rawConnect(probe, s.port);
    client.socket.write(helloFrame());
    await waitFor("probe registered", () => s.node.isConnected("org2-later-revoked"));
    revokedFp = probe.cert.fingerprintHex;
    expect(s.node.recheckPeers()).toBe(1);
    await client.closed;
    await waitFor("revoked peer dropped", () => s.node.peers().length === 0);
    expect(s.lines.some((l) => l.code === ErrorCode.CERT_REVOKED && l.peer === "org2-later-revoked")).toBe(true);
  });
});
