import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { genesisProposerState, nextHeightProposerState, proposerAt } from "@citychain/consensus";
import { loadIdentity, MembershipVerifier, sign, validatorsOf } from "@citychain/crypto";
import { initNetwork, type NetworkLayout, P2PNode } from "@citychain/node";
import { addressOf, bytesToHex, bytesToUtf8, proposalSignBytes, voteSignBytes } from "@citychain/protocol";
import { CityChainClient } from "@citychain/sdk";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomPortBase, startNodeProcess, stopNode, tempDir, until } from "./helpers.ts";

/**
 * Three honest validators run as processes; the fourth validator's key is
 * held by the test, which joins over p2p and misbehaves: votes with bad
 * signatures (ignored, the sender gets strikes) and two conflicting signed
 * prevotes (equivocation: the honest nodes record the evidence on chain).
 */
describe("BFT against a byzantine validator", () => {
  const dir = tempDir("citychain-byz-");
  const apiBase = randomPortBase();
  const p2pBase = apiBase + 10;
  let layout: NetworkLayout;
  const nodes: ChildProcess[] = [];
  let rogue: P2PNode | undefined;
  const url = (i: number) => `http://127.0.0.1:${apiBase + i}`;

  beforeAll(async () => {
    layout = await initNetwork({
      dir,
      orgs: ["org1", "org2", "org3", "org4"],
      validators: 4,
      apiPortBase: apiBase,
      p2pPortBase: p2pBase,
    });
    for (let i = 0; i < 3; i++) nodes.push(await startNodeProcess(layout.orgs[i].nodeHome, url(i)));
  });

  afterAll(async () => {
    await rogue?.stop();
    for (const n of nodes) await stopNode(n, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("ignores votes with bad signatures, keeps committing, and records equivocation as evidence", async () => {
    const c0 = new CityChainClient({ url: url(0), identity: await loadIdentity(layout.orgs[0].identities.member) });
    await c0.submitTransaction("kv", "put", "honest", "three of four");
    const identity = await loadIdentity(`${layout.orgs[3].nodeHome}/identity`);
    const address = addressOf(identity.keyPair.publicKey);
    rogue = new P2PNode({
      identity,
      verifier: new MembershipVerifier(layout.genesis.orgs),
      chainId: layout.genesis.chainId,
      host: "127.0.0.1",
      port: p2pBase + 3,
      peers: [0, 1, 2].map((i) => ({ name: `org${i + 1}-node`, host: "127.0.0.1", port: p2pBase + i })),
      logger: pino({ level: "silent" }),
    });
    await rogue.start();
    await until(async () => (rogue?.peers().length === 3 ? true : undefined), "the rogue to connect");
    const height = (await c0.status()).height + 1;
    const voteFor = (blockHash: Uint8Array, signature?: Uint8Array) => ({
      type: "cons/vote",
      voteType: "prevote",
      height,
      round: 0,
      blockHash,
      validator: address,
      signature:
        signature ?? sign(identity.keyPair, voteSignBytes(layout.genesis.chainId, "prevote", height, 0, blockHash)),
    });
    // Two different values signed for one height, round and type: equivocation.
    rogue.broadcast(voteFor(new Uint8Array(randomBytes(32))));
    rogue.broadcast(voteFor(new Uint8Array(randomBytes(32))));
    // Move the chain to that height so the honest cores weigh the votes.
    await c0.submitTransaction("kv", "put", "after", "the rogue");
    const recorded = await until(async () => {
      const list = JSON.parse(bytesToUtf8(await c0.evaluateTransaction("evidence", "list")));
      return list.length > 0 ? list : undefined;
    }, "the evidence to be recorded on chain");
    expect(recorded[0]).toMatchObject({ validator: "org4-node", height, round: 0, type: "prevote" });
    // A vote whose signature is not the validator's is dropped, and the sender disconnected with a strike.
    let dropped = 0;
    rogue.onPeerDisconnected(() => dropped++);
    rogue.broadcast(voteFor(new Uint8Array(randomBytes(32)), new Uint8Array(64)));
    await until(async () => (dropped > 0 ? true : undefined), "the honest nodes to drop the rogue");
    // The network keeps going.
    const more = await c0.submitTransaction("kv", "put", "still", "going");
    expect(more.height).toBeGreaterThan(height);
  });

  it("refuses a proposal whose block does not match its hash; another proposer's block is decided", async () => {
    const c0 = new CityChainClient({ url: url(0), identity: await loadIdentity(layout.orgs[0].identities.member) });
    const identity = await loadIdentity(`${layout.orgs[3].nodeHome}/identity`);
    const address = addressOf(identity.keyPair.publicKey);
    const validators = validatorsOf(layout.genesis).map((v) => ({ address: v.address, power: v.power }));
    const isRogueFirst = (h: number) => {
      let state = genesisProposerState(validators);
      for (let k = 1; k < h; k++) state = nextHeightProposerState(state);
      return bytesToHex(proposerAt(state, 0)) === bytesToHex(address);
    };
    // Move the chain until the rogue proposes round 0 of the next height.
    let next = (await c0.status()).height + 1;
    for (let k = 0; k < 8 && !isRogueFirst(next); k++) {
      await c0.submitTransaction("kv", "put", `step-${k}`, "x");
      next = (await c0.status()).height + 1;
    }
    expect(isRogueFirst(next), "found a height the rogue proposes").toBe(true);
    await until(async () => (rogue && rogue.peers().length === 3 ? true : undefined), "the rogue to be connected");
    const block = await c0.getBlockBytes(next - 1);
    const wrongHash = new Uint8Array(randomBytes(32));
    rogue?.broadcast({
      type: "cons/proposal",
      height: next,
      round: 0,
      block,
      blockHash: wrongHash,
      validRound: -1,
      proposer: address,
      signature: sign(identity.keyPair, proposalSignBytes(layout.genesis.chainId, next, 0, wrongHash, -1)),
    });
    const committed = await c0.submitTransaction("kv", "put", "despite", "a bad proposal");
    expect(committed.height).toBeGreaterThanOrEqual(next);
    const decided = await c0.getBlock(next);
    expect(decided.header.proposer).not.toBe(bytesToHex(address));
    // Round 0 was the rogue's and failed: the block was decided in a later round.
    expect(decided.commit?.round).toBeGreaterThan(0);
  });
});
