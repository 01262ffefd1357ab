import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import type { NetworkLayout } from "@citychain/node";
import { bytesToUtf8 } from "@citychain/protocol";
import { CityChainClient } from "@citychain/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, REPO_ROOT, randomPortBase, startProcessNetwork, stopProcessNetwork, tempDir, until } from "./helpers.ts";

/**
 * Fabric-style chaincode on a four-organisation BFT network: built with tsc
 * as Fabric's samples are, packaged, deployed through governance (one
 * organisation proposes, others approve until a majority has), then called
 * on every node. Contracts that misbehave fail the same way everywhere and
 * the chain goes on.
 */
describe("Fabric chaincode deployed through governance on four validators", () => {
  const dir = tempDir("citychain-contracts-");
  const apiBase = randomPortBase();
  let layout: NetworkLayout;
  let nodes: (ChildProcess | undefined)[] = [];
  const url = (i: number) => `http://127.0.0.1:${apiBase + i}`;
  const id = (i: number, role: "admin" | "member") => layout.orgs[i].identities[role];
  const client = async (i: number, role: "admin" | "member" = "member") =>
    new CityChainClient({ url: url(i), identity: await loadIdentity(id(i, role)) });
  const text = (b: Uint8Array) => bytesToUtf8(b);

  function build(example: string): void {
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", join(REPO_ROOT, "examples", example)],
      {
        encoding: "utf8",
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }

  function packageDir(project: string, out: string): string {
    const r = cli(["contract", "package", project, "--out", out, "--json"]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    return (r.json() as { hash: string }).hash;
  }

  /** Deploys a package with org1's admin proposing and org2's and org3's co-signing: decided in one transaction. */
  function deployWithMajority(pkg: string, name: string) {
    const admins = ["--co-sign", id(1, "admin"), id(2, "admin")];
    return cli([
      "contract",
      "deploy",
      "--url",
      url(0),
      "--as",
      id(0, "admin"),
      "--package",
      pkg,
      "--name",
      name,
      ...admins,
      "--json",
    ]);
  }

  beforeAll(async () => {
    build("asset-transfer");
    build("token-erc20");
    ({ layout, nodes } = await startProcessNetwork(dir, apiBase, 4));
  });

  afterAll(() => stopProcessNetwork(nodes, dir));

  it("packages deterministically, deploys once a majority approves, and answers as Fabric would", async () => {
    const pkg = join(dir, "asset.ccpkg");
    const hash = packageDir(join(REPO_ROOT, "examples/asset-transfer"), pkg);
    expect(packageDir(join(REPO_ROOT, "examples/asset-transfer"), join(dir, "again.ccpkg"))).toBe(hash);

    const deployed = cli([
      "contract",
      "deploy",
      "--url",
      url(0),
      "--as",
      id(0, "admin"),
      "--package",
      pkg,
      "--name",
      "asset",
      "--json",
    ]);
    expect(deployed.status, deployed.stderr + deployed.stdout).toBe(0);
    expect(deployed.json()).toMatchObject({ hash, proposal: { status: "open", votes: { org1: "yes" } } });

    const member = await client(1);
    // Not live before the lifecycle policy is met.
    await expect(member.submitTransaction("asset", "InitLedger")).rejects.toMatchObject({ code: "CONTRACT_NOT_FOUND" });
    const second = cli([
      "contract",
      "approve",
      "--url",
      url(1),
      "--as",
      id(1, "admin"),
      "--name",
      "asset",
      "--hash",
      hash,
      "--json",
    ]);
    expect(second.json()).toMatchObject({ status: "open" });
    const third = cli(["contract", "approve", "--url", url(2), "--as", id(2, "admin"), "--name", "asset", "--json"]);
    expect(third.status, third.stderr + third.stdout).toBe(0);
    expect(third.json()).toMatchObject({ status: "executed" });

    await until(async () => (await member.submitTransaction("asset", "InitLedger")).id, "asset live");
    const asset1 = JSON.parse(text(await member.evaluateTransaction("asset", "ReadAsset", "asset1")));
    expect(asset1).toEqual({
      ID: "asset1",
      Kind: "streetlight",
      Location: "Main St 1",
      Owner: "city-gov",
      Value: 300,
      docType: "asset",
    });

    await member.submitTransaction("asset", "CreateAsset", "asset5", "bench", "Park", "city-gov", "250");
    const duplicate = await member
      .submitTransaction("asset", "CreateAsset", "asset5", "bench", "Park", "x", "1")
      .catch((e) => e);
    expect(duplicate.message).toContain("The asset asset5 already exists");
    const moved = await member.submitTransaction("asset", "TransferAsset", "asset5", "parks-dept");
    expect(text(moved.returnValue)).toBe("city-gov");
    expect(text(await member.evaluateTransaction("asset", "AssetExists", "asset5"))).toBe("true");
    expect(text(await member.evaluateTransaction("asset", "AssetExists", "nope"))).toBe("false");

    const all = JSON.parse(text(await member.evaluateTransaction("asset", "GetAllAssets"))) as { ID: string }[];
    expect(all.map((a) => a.ID)).toEqual(["asset1", "asset2", "asset3", "asset4", "asset5"]);
    const range = JSON.parse(text(await member.evaluateTransaction("asset", "GetAssetsByRange", "asset2", "asset4")));
    expect(range.map((a: { ID: string }) => a.ID)).toEqual(["asset2", "asset3"]);
    const govs = JSON.parse(text(await member.evaluateTransaction("asset", "QueryAssetsByOwner", "city-gov")));
    expect(govs.map((a: { ID: string }) => a.ID)).toEqual(["asset2", "asset1"]);
    const query = JSON.stringify({ selector: { Value: { $gte: 1000 } } });
    const page1 = JSON.parse(
      text(await member.evaluateTransaction("asset", "QueryAssetsWithPagination", query, "2", "")),
    );
    expect(page1.records.map((a: { ID: string }) => a.ID)).toEqual(["asset2", "asset3"]);
    expect(page1.fetchedRecordsCount).toBe(2);
    const page2 = JSON.parse(
      text(await member.evaluateTransaction("asset", "QueryAssetsWithPagination", query, "2", page1.bookmark)),
    );
    expect(page2.records.map((a: { ID: string }) => a.ID)).toEqual(["asset4"]);
    const history = JSON.parse(text(await member.evaluateTransaction("asset", "GetAssetHistory", "asset5")));
    expect(history.map((h: { value: { Owner: string } }) => h.value.Owner)).toEqual(["parks-dept", "city-gov"]);
    expect(history[0].txId).toBe(moved.id);

    const metadata = JSON.parse(text(await member.evaluateTransaction("asset", "org.hyperledger.fabric:GetMetadata")));
    expect(Object.keys(metadata.contracts)).toContain("AssetContract");
    const txNames = metadata.contracts.AssetContract.transactions.map((t: { name: string }) => t.name);
    expect(txNames).toEqual(expect.arrayContaining(["CreateAsset", "ReadAsset", "TransferAsset", "GetAssetHistory"]));

    // Every node holds the same state.
    for (let i = 0; i < 4; i++) {
      const c = await client(i);
      const v = await until(async () => {
        const a = JSON.parse(text(await c.evaluateTransaction("asset", "ReadAsset", "asset5")));
        return a.Owner === "parks-dept" ? a : undefined;
      }, `node ${i}`);
      expect(v.Owner).toBe("parks-dept");
    }
  });

  it("runs an ERC-20 token with composite keys, client identities and events", async () => {
    const pkg = join(dir, "token.ccpkg");
    packageDir(join(REPO_ROOT, "examples/token-erc20"), pkg);
    // Three admins co-sign: proposed and decided in one transaction.
    const r = deployWithMajority(pkg, "token20");
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.json()).toMatchObject({ proposal: { status: "executed" } });
    const minter = await client(0, "admin");
    const alice = await client(1);
    await until(
      async () => (await minter.submitTransaction("token20", "Initialize", "CityCoin", "CC", "2")).id,
      "token live",
    );
    const minted = await minter.submitTransaction("token20", "Mint", "1000");
    const minterId = text(await minter.evaluateTransaction("token20", "ClientAccountID"));
    const aliceId = text(await alice.evaluateTransaction("token20", "ClientAccountID"));
    expect(minterId).toMatch(/^x509::.*CN=admin@org1.*::.*$/);
    await minter.submitTransaction("token20", "Transfer", aliceId, "250");
    const denied = await alice.submitTransaction("token20", "Mint", "5").catch((e) => e);
    expect(denied.message).toContain("client is not authorized to mint new tokens");
    const overdraft = await alice.submitTransaction("token20", "Transfer", minterId, "251").catch((e) => e);
    expect(overdraft.message).toContain("insufficient funds");
    expect(text(await alice.evaluateTransaction("token20", "ClientAccountBalance"))).toBe("250");
    expect(text(await alice.evaluateTransaction("token20", "BalanceOf", minterId))).toBe("750");
    expect(text(await alice.evaluateTransaction("token20", "TotalSupply"))).toBe("1000");
    const holders = JSON.parse(text(await alice.evaluateTransaction("token20", "Holders")));
    expect(holders).toHaveLength(2);
    const info = await minter.getTx(minted.id);
    expect(info.events).toEqual([expect.objectContaining({ contract: "token20", name: "Transfer" })]);
    expect(JSON.parse(info.events[0].payloadText ?? "{}")).toEqual({ from: "0x0", to: minterId, value: 1000 });
  });

  it("gives misbehaving contracts the same outcome on every node and keeps committing", async () => {
    const project = join(dir, "misbehaving");
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "misbehaving", version: "1.0.0", main: "index.js" }),
    );
    writeFileSync(
      join(project, "index.js"),
      `"use strict";
const { Contract } = require("fabric-contract-api");
let calls = 0;
class Misbehaving extends Contract {
  async Now(ctx) { return String(Date.now()) + " " + new Date().toISOString(); }
  async Random(ctx) { return [Math.random(), Math.random()].join(" "); }
  async Spin(ctx) { await ctx.stub.putState("spun", Buffer.from("yes")); for (;;) { calls++; } }
  async Recurse(ctx) { const f = (n) => f(n + 1) + 1; return String(f(0)); }
  async Hog(ctx) { const parts = []; for (let i = 0; i < 1e6; i++) parts.push("x".repeat(1e6)); return String(parts.length); }
  async Double(ctx) { let a = [1]; for (let i = 0; i < 40; i++) a = [...a, ...a]; return String(a.length); }
  async Throw(ctx) { await ctx.stub.putState("thrown", Buffer.from("yes")); throw new Error("deliberate failure"); }
  async Escape(ctx) { return typeof process + " " + typeof globalThis.process + " " + typeof WebAssembly; }
  async Timer(ctx) { setTimeout(() => {}, 1); return "scheduled"; }
  async Fs(ctx) { try { return String(require("fs")); } catch (e) { throw e; } }
  async Eval(ctx) { return String(eval("1 + 1")); }
  async Peek(ctx, key) { return (await ctx.stub.getState(key)).toString() || "absent"; }
}
module.exports.contracts = [Misbehaving];
`,
    );
    const pkg = join(dir, "misbehaving.ccpkg");
    packageDir(project, pkg);
    const r = deployWithMajority(pkg, "misbehaving");
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const c = await client(3);
    const now = await until(async () => await c.submitTransaction("misbehaving", "Now"), "misbehaving live");
    const block = await c.getBlock(now.height);
    const [ms, iso] = text(now.returnValue).split(" ");
    // Time is the block's time: identical on the four validators that re-executed it.
    expect(Number(ms)).toBe(block.header.timeMs);
    expect(iso).toBe(new Date(block.header.timeMs).toISOString());
    const random = await c.submitTransaction("misbehaving", "Random");
    const [r1, r2] = text(random.returnValue).split(" ").map(Number);
    expect(r1).toBeGreaterThanOrEqual(0);
    expect(r1).not.toBe(r2);
    const escaped = await c.submitTransaction("misbehaving", "Escape");
    expect(text(escaped.returnValue)).toBe("undefined undefined undefined");

    const cases: [string, string][] = [
      ["Spin", "CONTRACT_BUDGET_EXCEEDED"],
      ["Recurse", "CONTRACT_CALL_DEPTH_EXCEEDED"],
      ["Hog", "CONTRACT_BUDGET_EXCEEDED"],
      ["Double", "CONTRACT_BUDGET_EXCEEDED"],
      ["Throw", "CONTRACT_FAILED"],
      ["Eval", "CONTRACT_FAILED"],
      ["Timer", "CONTRACT_API_UNAVAILABLE"],
      ["Fs", "CONTRACT_MODULE_UNAVAILABLE"],
    ];
    for (const [fn, code] of cases) {
      const err = await c.submitTransaction("misbehaving", fn).catch((e) => e);
      expect(err.code, `${fn}: ${err.message}`).toBe(code);
      // Recorded on chain as failed, with its code, by all validators alike.
      const tx = await c.getTx(err.type.txId);
      expect(tx.code, fn).toBe(code);
    }
    // Nothing a failed call wrote is kept, and the chain goes on.
    expect(text(await c.evaluateTransaction("misbehaving", "Peek", "spun"))).toBe("absent");
    expect(text(await c.evaluateTransaction("misbehaving", "Peek", "thrown"))).toBe("absent");
    const after = await c.submitTransaction("kv", "put", "still", "committing");
    expect(after.height).toBeGreaterThan(now.height);
  });
});
