import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadIdentity, parseCertificate } from "@citychain/crypto";
import { type NetworkLayout, verifyChain } from "@citychain/node";
import { addressOf, bytesToHex } from "@citychain/protocol";
import { CityChainClient, followValidatorSets, trustAnchorOf, verifyTxProof } from "@citychain/sdk";
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

/**
 * Four organisations, three validators at genesis; the fourth organisation's
 * node follows consensus. Admins of a majority of organisations add it to the
 * set, then remove org1's validator; the chain goes on with the new set while
 * org1's node is stopped, every node verifies its chain, and a light client
 * that trusts only the genesis follows the changes to check a later proof.
 */
describe("validator-set changes by a majority of organisation admins", () => {
  const dir = tempDir("citychain-valset-");
  const apiBase = randomPortBase();
  let layout: NetworkLayout;
  let nodes: (ChildProcess | undefined)[] = [];
  const url = (i: number) => `http://127.0.0.1:${apiBase + i}`;
  const admin = (i: number) => loadIdentity(layout.orgs[i].identities.admin);
  const nodeCert = (i: number) => readFileSync(join(layout.orgs[i].nodeHome, "identity", "cert.pem"), "utf8");

  beforeAll(async () => {
    ({ layout, nodes } = await startProcessNetwork(dir, apiBase, 3));
  });

  afterAll(() => stopProcessNetwork(nodes, dir));

  it("refuses a change signed by a minority of organisations, naming what is missing", async () => {
    const c = new CityChainClient({ url: url(1), identity: await admin(1) });
    const err = await c
      .submit({
        contract: "membership",
        fn: "setValidator",
        args: ["org4-node", "org4", nodeCert(3), "10"],
        cosigners: [await admin(2)],
      })
      .catch((e) => e);
    expect(err.code).toBe("ACCESS_DENIED");
    expect(err.message).toMatch(/3 of the 4 organisations; this transaction has 2/);
  });

  it("adds org4's node, which then signs commits; removes org1's, and the chain goes on without it", async () => {
    const c = new CityChainClient({ url: url(1), identity: await admin(1) });
    const added = await c.submit({
      contract: "membership",
      fn: "setValidator",
      args: ["org4-node", "org4", nodeCert(3), "10"],
      cosigners: [await admin(2), await admin(3)],
    });
    const from = added.height + 2;
    const org4Address = bytesToHex(addressOf(parseCertificate(nodeCert(3)).publicKey));
    // Blocks from `from` on carry org4's precommit among the signatures.
    const signedBy4 = await until(async () => {
      const status = await c.status();
      if (status.height < from + 1) {
        await c.submitTransaction("kv", "put", `tick-${status.height}`, "x");
        return undefined;
      }
      for (let h = from; h <= status.height; h++) {
        const block = await c.getBlock(h);
        if (block.commit?.sigs.some((s: { validator: string }) => s.validator === org4Address)) return h;
      }
      return undefined;
    }, "a commit signed by org4's node");
    expect(signedBy4).toBeGreaterThanOrEqual(from);

    const removed = await c.submit({
      contract: "membership",
      fn: "setValidator",
      args: ["org1-node", "org1", nodeCert(0), "0"],
      cosigners: [await admin(2), await admin(3)],
    });
    // Once the removal governs, org1's node is not needed: stop it and keep committing.
    await until(async () => ((await c.status()).height >= removed.height + 2 ? true : undefined), "removal in force");
    await stopNode(nodes[0] as ChildProcess, "SIGKILL");
    nodes[0] = undefined;
    const after = await c.submitTransaction("kv", "put", "without-org1", "yes");
    expect(after.height).toBeGreaterThan(removed.height + 1);

    // A client that trusts only the genesis cannot check this proof...
    const genesisOnly = trustAnchorOf(layout.genesis);
    const proof = await c.getProof(after.id);
    expect(() => verifyTxProof(proof, { chainId: genesisOnly.chainId, validators: genesisOnly.validators })).toThrow(
      /validatorsHash/,
    );
    // ...until it follows the changes, each checked against the set before it.
    const followed = followValidatorSets(genesisOnly, await c.validatorSetChanges());
    expect(verifyTxProof(proof, followed).result.code).toBe("OK");
    expect(followed.schedule?.at(after.height).map((v) => v.name)).toEqual(["org2-node", "org3-node", "org4-node"]);
    // A forged change list (the removal alone, without the addition) does not verify.
    const [addition, removal] = await c.validatorSetChanges();
    expect(addition).toBeDefined();
    expect(() => followValidatorSets(genesisOnly, [removal])).toThrow(/PROOF_INVALID|commit|validatorsHash/);
  });

  it("leaves every running node with a chain the offline verifier accepts, and restarts with the new set", async () => {
    const target = (await new CityChainClient({ url: url(1), identity: await admin(1) }).status()).height;
    for (const i of [1, 2, 3]) {
      const c = new CityChainClient({ url: url(i), identity: await admin(i) });
      await until(async () => ((await c.status()).height >= target ? true : undefined), `node ${i} at ${target}`);
      const node = nodes[i] as ChildProcess;
      await stopNode(node);
      nodes[i] = undefined;
      const report = await verifyChain(layout.orgs[i].nodeHome);
      expect(report.fault, `node ${i}`).toBeUndefined();
      expect(report.ok).toBe(true);
    }
    // Restarted, the nodes read the set changes back from their ledgers and go on deciding.
    for (const i of [1, 2, 3]) nodes[i] = await startNodeProcess(layout.orgs[i].nodeHome, url(i));
    const c = new CityChainClient({ url: url(2), identity: await admin(2) });
    const again = await c.submitTransaction("kv", "put", "after-restart", "yes");
    expect(again.height).toBeGreaterThan(target);
  });
});
