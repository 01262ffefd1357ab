import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import type { NetworkLayout } from "@citychain/node";
import { bytesToHex, bytesToUtf8, sha256, utf8ToBytes } from "@citychain/protocol";
import { CityChainClient, txWrotePrivateValue } from "@citychain/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cli,
  REPO_ROOT,
  randomPortBase,
  startNodeProcess,
  startProcessNetwork,
  stopNode,
  stopProcessNetwork,
  tempDir,
  until,
} from "./helpers.ts";

/**
 * Fabric's private-data pattern on four organisations: org1 and org2 share
 * `assetCollection`, each keeps appraisals in its own collection. Values
 * come in transient data, never in a block; member nodes keep them sealed;
 * org3 and org4 see hashes only.
 */
describe("private data collections on four validators", () => {
  const dir = tempDir("citychain-private-");
  const apiBase = randomPortBase();
  let layout: NetworkLayout;
  let nodes: (ChildProcess | undefined)[] = [];
  const url = (i: number) => `http://127.0.0.1:${apiBase + i}`;
  const client = async (org: number, node = org) =>
    new CityChainClient({ url: url(node), identity: await loadIdentity(layout.orgs[org].identities.member) });
  const SECRET_COLOR = "ultraviolet-7f3a9c";
  const props = (id: string, value: number) => ({
    asset_properties: JSON.stringify({ assetID: id, color: SECRET_COLOR, size: 5, appraisedValue: value }),
  });

  /** An asset as a node answers it, once it can (its block or the private values may still be on their way). */
  const eventually = (c: CityChainClient, id: string, what: string) =>
    until(
      () =>
        c
          .evaluateTransaction("passet", "ReadAsset", id)
          .then((b) => JSON.parse(bytesToUtf8(b)) as Record<string, unknown>)
          .catch(() => undefined),
      what,
    );

  beforeAll(async () => {
    const built = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", join(REPO_ROOT, "examples/private-asset")],
      { encoding: "utf8" },
    );
    expect(built.status, built.stdout + built.stderr).toBe(0);
    ({ layout, nodes } = await startProcessNetwork(dir, apiBase, 4));
    const pkg = join(dir, "private-asset.ccpkg");
    const packaged = cli(["contract", "package", join(REPO_ROOT, "examples/private-asset"), "--out", pkg, "--json"]);
    expect(packaged.status, packaged.stderr).toBe(0);
    const admin = (i: number) => layout.orgs[i].identities.admin;
    const deployed = cli([
      "contract",
      "deploy",
      "--url",
      url(0),
      "--as",
      admin(0),
      "--package",
      pkg,
      "--name",
      "passet",
      "--collections-config",
      join(REPO_ROOT, "examples/private-asset/collections_config.json"),
      "--endorsement-policy",
      "OR('org1.peer', 'org2.peer')",
      "--co-sign",
      admin(1),
      admin(2),
      "--json",
    ]);
    expect(deployed.status, deployed.stderr + deployed.stdout).toBe(0);
    expect(deployed.json()).toMatchObject({ proposal: { status: "executed" } });
  });

  afterAll(() => stopProcessNetwork(nodes, dir));

  it("keeps values out of blocks, with members only, and lets anyone check a value by its hash", async () => {
    const org1 = await client(0);
    const created = await until(
      () => org1.submitPrivate({ contract: "passet", fn: "CreateAsset", transient: props("asset1", 1000) }),
      "passet live",
    );
    // The block holds neither the transient input nor the values: only hashes.
    const org4 = await client(3);
    const blockBytes = await until(() => org4.getBlockBytes(created.height).catch(() => undefined), "org4's block");
    expect(Buffer.from(blockBytes).includes(SECRET_COLOR)).toBe(false);

    const asset = JSON.parse(bytesToUtf8(await org1.evaluateTransaction("passet", "ReadAsset", "asset1")));
    expect(asset).toMatchObject({ ID: "asset1", Color: SECRET_COLOR, Size: 5 });
    // org2's node received the values from org1's endorsing node.
    const org2 = await client(1);
    expect(await eventually(org2, "asset1", "org2's node has the value")).toEqual(asset);
    // org1's appraisal is in org1's collection only.
    expect(
      JSON.parse(
        bytesToUtf8(
          await org1.evaluateTransaction("passet", "ReadAssetPrivateDetails", "org1PrivateCollection", "asset1"),
        ),
      ),
    ).toEqual({ ID: "asset1", AppraisedValue: 1000 });
    await expect(
      org2.evaluateTransaction("passet", "ReadAssetPrivateDetails", "org1PrivateCollection", "asset1"),
    ).rejects.toMatchObject({ code: "PRIVATE_DATA_NOT_MEMBER" });

    // A non-member cannot read: not on its own node (which holds nothing), not on a member's node.
    const org3 = await client(2);
    await expect(org3.evaluateTransaction("passet", "ReadAsset", "asset1")).rejects.toMatchObject({
      code: "PRIVATE_DATA_NOT_MEMBER",
    });
    const org3AtOrg1 = await client(2, 0);
    await expect(org3AtOrg1.evaluateTransaction("passet", "ReadAsset", "asset1")).rejects.toMatchObject({
      code: "PRIVATE_DATA_FORBIDDEN",
    });

    // ...but it can check a value it is shown, against the hash on chain and against the proven transaction.
    const shown = await org1.evaluateTransaction("passet", "ReadAsset", "asset1");
    expect(await org3.privateDataHash("passet", "assetCollection", "asset1")).toBe(bytesToHex(sha256(shown)));
    const proof = await org3.getProof(created.id);
    expect(txWrotePrivateValue(proof.tx, "passet", "assetCollection", "asset1", shown)).toBe(true);
    expect(txWrotePrivateValue(proof.tx, "passet", "assetCollection", "asset1", utf8ToBytes("forged"))).toBe(false);

    // Values are sealed at rest: the plain text is in no member node's files.
    for (const i of [0, 1]) {
      const data = join(layout.orgs[i].nodeHome, "data");
      for (const f of readdirSync(data)) {
        expect(readFileSync(join(data, f)).includes(SECRET_COLOR), `${f} of node ${i}`).toBe(false);
      }
    }
  });

  it("refuses private data without a member node's endorsement; one asset per id; ranges on member nodes", async () => {
    const org1 = await client(0);
    // Submitted directly, every validator runs it, members or not: it must fail the same way everywhere.
    await expect(org1.submit({ contract: "passet", fn: "ReadAsset", args: ["asset1"] })).rejects.toMatchObject({
      code: "PRIVATE_DATA_NEEDS_ENDORSEMENT",
    });
    // A non-member's node cannot endorse what reads the collection (policy checks of forged
    // endorsements are in runtime's endorsed.test.ts).
    const org1AtOrg3 = await client(0, 2);
    await expect(
      org1AtOrg3.submitPrivate({ contract: "passet", fn: "CreateAsset", transient: props("asset9", 5) }),
    ).rejects.toMatchObject({ code: "PRIVATE_DATA_NOT_MEMBER" });
    // The second creation of an id fails in the contract, as on Fabric (stale endorsements: runtime's endorsed.test.ts).
    const a = await org1.submitPrivate({ contract: "passet", fn: "CreateAsset", transient: props("asset2", 10) });
    expect(a.height).toBeGreaterThan(0);
    await expect(
      org1.submitPrivate({ contract: "passet", fn: "CreateAsset", transient: props("asset2", 10) }),
    ).rejects.toMatchObject({ code: "CONTRACT_FAILED" });
    // Endorsed by both organisations' nodes (their read-write sets must agree), as a stricter policy would need.
    const both = await org1.submitPrivate({
      contract: "passet",
      fn: "CreateAsset",
      transient: props("asset2b", 20),
      endorsers: [url(1)],
    });
    const tx = await org1.getTx(both.id);
    expect(tx.code).toBe("OK");
    // The same from the command line.
    const member = layout.orgs[0].identities.member;
    const submitted = cli([
      "tx",
      "submit",
      "--url",
      url(0),
      "--as",
      member,
      "--contract",
      "passet",
      "--fn",
      "CreateAsset",
      "--transient",
      `asset_properties=${props("asset2c", 30).asset_properties}`,
      "--json",
    ]);
    expect(submitted.status, submitted.stderr + submitted.stdout).toBe(0);
    const read = cli([
      "query",
      "--url",
      url(0),
      "--as",
      member,
      "--contract",
      "passet",
      "--fn",
      "ReadAsset",
      "asset2c",
      "--json",
    ]);
    expect(JSON.parse((read.json() as { resultText: string }).resultText)).toMatchObject({ ID: "asset2c", Size: 5 });
    // A range over a collection, on a member's node.
    const all = JSON.parse(bytesToUtf8(await org1.evaluateTransaction("passet", "GetAssetByRange", "", "")));
    expect(all.map((x: { ID: string }) => x.ID)).toEqual(["asset1", "asset2", "asset2b", "asset2c"]);
  });

  it("transfers after both organisations agree on the appraisal, compared by hash across collections", async () => {
    const org1 = await client(0);
    const org2 = await client(1);
    await org1.submitPrivate({ contract: "passet", fn: "CreateAsset", transient: props("asset3", 700) });
    // org2 agrees to a different value first: the transfer is refused.
    await org2.submitPrivate({
      contract: "passet",
      fn: "AgreeToTransfer",
      transient: { asset_value: JSON.stringify({ assetID: "asset3", appraisedValue: 650 }) },
    });
    await expect(
      org1.submitPrivate({
        contract: "passet",
        fn: "TransferAsset",
        transient: { asset_owner: JSON.stringify({ assetID: "asset3", buyerMSP: "org2" }) },
      }),
    ).rejects.toMatchObject({ code: "CONTRACT_FAILED" });
    await org2.submitPrivate({
      contract: "passet",
      fn: "AgreeToTransfer",
      transient: { asset_value: JSON.stringify({ assetID: "asset3", appraisedValue: 700 }) },
    });
    await org1.submitPrivate({
      contract: "passet",
      fn: "TransferAsset",
      transient: { asset_owner: JSON.stringify({ assetID: "asset3", buyerMSP: "org2" }) },
    });
    // org2's node may be a block behind org1's, which answered the submit.
    const owner = await until(async () => {
      const o = JSON.parse(bytesToUtf8(await org2.evaluateTransaction("passet", "ReadAsset", "asset3")))
        .Owner as string;
      return o.includes("member@org2") ? o : undefined;
    }, "org2 owns asset3");
    expect(owner).toMatch(/^x509::CN=member@org2/);
  });

  it("purges, and a member node that was down gets the values it missed from a member peer", async () => {
    const org1 = await client(0);
    await org1.submitPrivate({
      contract: "passet",
      fn: "PurgeAsset",
      transient: { asset_purge: JSON.stringify({ assetID: "asset1" }) },
    });
    await expect(org1.evaluateTransaction("passet", "ReadAsset", "asset1")).rejects.toThrow(/does not exist/);
    expect(await org1.privateDataHash("passet", "assetCollection", "asset1")).toBeUndefined();

    await stopNode(nodes[1] as ChildProcess);
    nodes[1] = undefined;
    const created = await org1.submitPrivate({ contract: "passet", fn: "CreateAsset", transient: props("asset4", 42) });
    nodes[1] = await startNodeProcess(layout.orgs[1].nodeHome, url(1));
    const org2 = await client(1);
    await until(async () => ((await org2.status()).height >= created.height ? true : undefined), "org2 caught up");
    expect(await eventually(org2, "asset4", "org2's node pulled the missed value")).toMatchObject({
      ID: "asset4",
      Color: SECRET_COLOR,
    });
  });
});
