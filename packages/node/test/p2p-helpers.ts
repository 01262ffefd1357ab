import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type TLSSocket } from "node:tls";
import {
  createOrgCA,
  issueCertificate,
  type LoadedIdentity,
  loadIdentity,
  MembershipVerifier,
  type Role,
  saveIdentity,
} from "@citychain/crypto";
import type { SignatureAlgorithm } from "@citychain/protocol";
import { pino } from "pino";
import { initNetwork, type NetworkLayout } from "../src/network-init.ts";
import {
  createHello,
  encodeFrame,
  encodeMessage,
  FRAME_BYTES_MAX_DEFAULT,
  type P2PLimits,
  P2PNode,
  type P2PNodeOptions,
} from "../src/p2p/index.ts";

export const CHAIN_ID = "citychain-p2p-test";

/** Short timers so reconnects and handshakes finish within a test's time. */
export const FAST_LIMITS: Partial<P2PLimits> = {
  reconnectDelayMsMin: 20,
  reconnectDelayMsMax: 200,
  reconnectJitterRatio: 0,
  handshakeTimeoutMs: 2_000,
  peerRecheckIntervalMs: 0,
};

/** A log line as pino writes it. */
export interface LogLine {
  level: number;
  msg: string;
  p2p?: string;
  peer?: string;
  code?: string;
  reason?: string;
  strikes?: number;
  banned?: boolean;
  [field: string]: unknown;
}

/** A pino logger whose lines the test can read. */
export function captureLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: "debug" },
    {
      write(s: string) {
        lines.push(JSON.parse(s) as LogLine);
        if (process.env.CITYCHAIN_TEST_LOG) process.stderr.write(s);
      },
    },
  );
  return { logger, lines };
}

/**
 * Polls until cond() holds; bounded by timeoutMs so a failing test ends with
 * the description instead of hanging.
 */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const stepMs = 10;
  for (let waited = 0; waited <= timeoutMs; waited += stepMs) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

/** A network of organisations made by initNetwork, each with its node identity loaded. */
export interface TestOrgs {
  dir: string;
  layout: NetworkLayout;
  nodeIds: LoadedIdentity[];
  verifier: MembershipVerifier;
  /** Issues a certificate from org i's CA into a new identity directory. */
  issue(
    orgIndex: number,
    commonName: string,
    opts?: { role?: Role; alg?: SignatureAlgorithm; notBefore?: Date; notAfter?: Date },
  ): Promise<LoadedIdentity>;
  /** A node identity from a CA that is not a member organisation. */
  rogue(commonName: string): Promise<LoadedIdentity>;
  cleanup(): void;
}

export async function createTestOrgs(count: number): Promise<TestOrgs> {
  const dir = mkdtempSync(join(tmpdir(), "citychain-p2p-"));
  const orgs = Array.from({ length: count }, (_, i) => `org${i + 1}`);
  const layout = await initNetwork({ dir, orgs, validators: count });
  const nodeIds = await Promise.all(layout.orgs.map((o) => loadIdentity(join(o.nodeHome, "identity"))));
  const verifier = new MembershipVerifier(layout.genesis.orgs);
  let seq = 0;
  return {
    dir,
    layout,
    nodeIds,
    verifier,
    async issue(orgIndex, commonName, opts = {}) {
      const org = layout.orgs[orgIndex];
      const caCertPem = readFileSync(join(org.caDir, "cert.pem"), "utf8");
      const caKeyPem = readFileSync(join(org.caDir, "key.pem"), "utf8");
      const role = opts.role ?? "node";
      const issued = await issueCertificate({
        caCertPem,
        caKeyPem,
        commonName,
        orgId: org.id,
        role,
        alg: opts.alg,
        notBefore: opts.notBefore,
        notAfter: opts.notAfter,
      });
      const idDir = join(dir, "extra", `${seq++}-${commonName}`);
      await saveIdentity(idDir, { ...issued, caPem: caCertPem, orgId: org.id, role, commonName });
      return loadIdentity(idDir);
    },
    async rogue(commonName) {
      const ca = await createOrgCA({ orgId: "rogue" });
      const issued = await issueCertificate({
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        commonName,
        orgId: "rogue",
        role: "node",
      });
      const idDir = join(dir, "extra", `${seq++}-${commonName}`);
      await saveIdentity(idDir, { ...issued, caPem: ca.certPem, orgId: "rogue", role: "node", commonName });
      return loadIdentity(idDir);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A started P2PNode with its captured log. */
export interface RunningNode {
  node: P2PNode;
  lines: LogLine[];
  port: number;
}

export async function startNode(
  orgs: TestOrgs,
  identity: LoadedIdentity,
  extra: Partial<P2PNodeOptions> = {},
): Promise<RunningNode> {
  const { logger, lines } = captureLogger();
  const node = new P2PNode({
    identity,
    verifier: orgs.verifier,
    chainId: CHAIN_ID,
    host: "127.0.0.1",
    port: 0,
    peers: [],
    logger,
    random: () => 0.5,
    ...extra,
    limits: { ...FAST_LIMITS, ...(extra.limits ?? {}) },
  });
  await node.start();
  return { node, lines, port: node.address().port };
}

/** Makes every node dial every other one. */
export function connectAll(nodes: RunningNode[]): void {
  for (const a of nodes) {
    for (const b of nodes) {
      if (a !== b) a.node.addPeer({ name: b.node.name, host: "127.0.0.1", port: b.port });
    }
  }
}

/** A bare TLS client, for playing a misbehaving or refused peer. */
export interface RawClient {
  socket: TLSSocket;
  closed: Promise<void>;
  received: Buffer[];
  isClosed(): boolean;
}

/** Connects with the given identity's certificate; resolves after the TLS handshake. */
export async function rawConnect(identity: LoadedIdentity, port: number): Promise<RawClient> {
  const keyPem = identity.keyPair.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const socket = connect({
    host: "127.0.0.1",
    port,
    cert: identity.certPem,
    key: keyPem,
    minVersion: "TLSv1.3",
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  });
  const received: Buffer[] = [];
  let isClosed = false;
  socket.on("data", (d: Buffer) => received.push(d));
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) =>
    socket.once("close", () => {
      isClosed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("secureConnect", () => resolve());
    socket.once("error", reject);
  });
  return { socket, closed, received, isClosed: () => isClosed };
}

/** The hello a real node sends, as a frame. */
export function helloFrame(chainId = CHAIN_ID): Buffer {
  return encodeFrame(encodeMessage(createHello(chainId)), FRAME_BYTES_MAX_DEFAULT);
}

/** A frame with arbitrary payload bytes. */
export function rawFrame(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** Log lines at warn level or above that carry the given code. */
export function warningsWith(lines: LogLine[], code: string): LogLine[] {
  return lines.filter((l) => l.level >= 40 && l.code === code);
}
