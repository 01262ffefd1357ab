import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import { bytesToHex } from "@citychain/protocol";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlockSync, type SyncMessage, type SyncTransport } from "../src/block-sync.ts";
import { initNetwork, type NetworkLayout } from "../src/network-init.ts";
import { CityChainNode } from "../src/node.ts";

let closed = false;
const logger = pino({ level: process.env.CITYCHAIN_TEST_LOG ?? "silent" });

/** Two nodes' syncs wired back to back in memory; `tamper` may rewrite messages in flight. */
function wire(
  a: { name: string; sync?: BlockSync },
  b: { name: string; sync?: BlockSync },
  tamper?: (m: SyncMessage) => SyncMessage,
) {
  const deliver = (to: { sync?: BlockSync }, from: string, msg: SyncMessage) =>
    setImmediate(() => {
      if (closed) return;
      to.sync?.handle(from, tamper ? tamper(structuredClone(msg)) : msg).catch(() => {});
    });
  const transportFor = (self: typeof a, other: typeof b): SyncTransport => ({
    send: (_peer, msg) => deliver(other, self.name, msg),
    broadcast: (msg) => deliver(other, self.name, msg),
  });
  return { ta: transportFor(a, b), tb: transportFor(b, a) };
}

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("block sync", () => {
  let dir: string;
  let layout: NetworkLayout;
  let validator: CityChainNode;
  const followers: CityChainNode[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "citychain-sync-"));
    layout = await initNetwork({
      dir,
      orgs: ["org1", "org2", "org3"],
      validators: 1,
      params: { emptyBlockIntervalMs: 0 },
    });
    validator = await CityChainNode.start({
      home: layout.orgs[0].nodeHome,
      apiPort: 0,
      logger,
      verifyThreads: 1,
      noP2P: true,
    });
    const member = await loadIdentity(layout.orgs[0].identities.member);
    const { CityChainClient } = await import("@citychain/sdk");
    const client = new CityChainClient({ url: validator.apiUrl, identity: member });
    for (let i = 0; i < 5; i++) await client.submitTransaction("kv", "put", `k${i}`, `v${i}`);
  });

  afterAll(async () => {
    closed = true;
    for (const n of [validator, ...followers]) await n.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function syncFor(node: CityChainNode, transport: SyncTransport, onMisbehaviour?: (p: string, r: string) => void) {
    return new BlockSync({
      chainId: node.genesis.chainId,
      app: node.app,
      ledger: node.ledger,
      events: node.events,
      transport,
      logger,
      onMisbehaviour,
    });
  }

  it("a follower catches up block by block and reaches the same state", async () => {
    const follower = await CityChainNode.start({
      home: layout.orgs[1].nodeHome,
      apiPort: 0,
      logger,
      verifyThreads: 1,
      noP2P: true,
    });
    followers.push(follower);
    const a = { name: "org1-node", sync: undefined as BlockSync | undefined };
    const b = { name: "org2-node", sync: undefined as BlockSync | undefined };
    const { ta, tb } = wire(a, b);
    a.sync = syncFor(validator, ta);
    b.sync = syncFor(follower, tb);
    a.sync.announce();
    const target = validator.app.info().height;
    expect(target).toBeGreaterThanOrEqual(5);
    await until(() => follower.ledger.latestHeight() === target, "follower to store the validator's height");
    expect(bytesToHex(follower.app.info().appHash)).toBe(bytesToHex(validator.app.info().appHash));
    expect(bytesToHex(follower.app.info().lastBlockHash)).toBe(bytesToHex(validator.app.info().lastBlockHash));
    const v = await follower.app.query({ contract: "kv", fn: "get", args: ["k4"] });
    expect(Buffer.from(v).toString()).toBe("v4");
  });

  it("refuses a tampered block from a peer and reports it, storing nothing", async () => {
    const follower = await CityChainNode.start({
      home: layout.orgs[2].nodeHome,
      apiPort: 0,
      logger,
      verifyThreads: 1,
      noP2P: true,
    });
    followers.push(follower);
    const reasons: string[] = [];
    const a = { name: "org1-node", sync: undefined as BlockSync | undefined };
    const b = { name: "org3-node", sync: undefined as BlockSync | undefined };
    const { ta, tb } = wire(a, b, (m) => {
      if (m.type === "sync/blocks") {
        const bytes = new Uint8Array(m.items[0].block);
        bytes[bytes.length - 5] ^= 0xff;
        m.items[0].block = bytes;
      }
      return m;
    });
    a.sync = syncFor(validator, ta);
    b.sync = syncFor(follower, tb, (_peer, reason) => reasons.push(reason));
    a.sync.announce();
    await until(() => reasons.length > 0, "the tampered block to be refused");
    expect(follower.app.info().height).toBe(0);
    expect(reasons[0]).toMatch(/commit certificate|decod|root|block 1/);
  });
});
