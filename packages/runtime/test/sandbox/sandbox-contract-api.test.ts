/**
 * Chaincode as a Fabric developer writes it, through the whole path: a
 * TypeScript project compiled as `tsc` would (decorators and their
 * metadata), packaged from a directory, loaded, and run with the real
 * `@citychain/contract-api` in the sandbox.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ErrorCode } from "@citychain/protocol";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageChaincode } from "../../src/sandbox/package-dir.ts";
import type { ContractRealm } from "../../src/sandbox/realm.ts";
import { ContractSandbox } from "../../src/sandbox/sandbox.ts";
import { compileTypeScript, SEED, type TestHost, testHost, text } from "./helpers.ts";

const ASSET_CONTRACT = `
import { Context, Contract, Info, Object as DataType, Property, Returns, Transaction } from "fabric-contract-api";
import { stamp } from "./stamp";

@DataType()
export class Asset {
  @Property() public id = "";
  @Property() public owner = "";
  @Property() public value = 0;
  @Property() public updatedAt = "";
}

@Info({ title: "AssetTransfer", description: "assets of the city" })
export class AssetContract extends Contract {
  constructor() {
    super("asset");
  }

  @Transaction()
  public async create(ctx: Context, id: string, owner: string, value: number): Promise<Asset> {
    if (await this.exists(ctx, id)) throw new Error(\`asset \${id} exists\`);
    const asset: Asset = { id, owner, value, updatedAt: stamp() };
    await ctx.stub.putState(id, Buffer.from(JSON.stringify(asset)));
    ctx.stub.setEvent("created", Buffer.from(id));
    return asset;
  }

  @Transaction(false)
  @Returns("Asset")
  public async read(ctx: Context, id: string): Promise<Asset> {
    const bytes = await ctx.stub.getState(id);
    if (bytes.length === 0) throw new Error(\`asset \${id} does not exist\`);
    return JSON.parse(bytes.toString()) as Asset;
  }

  @Transaction(false)
  @Returns("boolean")
  public async exists(ctx: Context, id: string): Promise<boolean> {
    return (await ctx.stub.getState(id)).length > 0;
  }

  @Transaction(false)
  public async all(ctx: Context): Promise<string[]> {
    const ids: string[] = [];
    for await (const { key } of ctx.stub.getStateByRange("", "")) ids.push(key);
    return ids;
  }

  @Transaction()
  public async runaway(ctx: Context): Promise<void> {
    for (;;) await ctx.stub.getState("x");
  }
}

export const contracts: any[] = [AssetContract];
`;

const STAMP = `export function stamp(): string { return new Date().toISOString(); }`;

const SHIM_CHAINCODE = `
const shim = require("fabric-shim");
class Counter {
  async Init() { return shim.success(); }
  async Invoke(stub) {
    const { fcn, params } = stub.getFunctionAndParameters();
    if (fcn !== "add") return shim.error(Buffer.from("unknown function " + fcn));
    const now = Number((await stub.getState("n")).toString() || "0") + Number(params[0]);
    await stub.putState("n", Buffer.from(String(now)));
    return shim.success(Buffer.from(String(now)));
  }
}
shim.start(new Counter());
`;

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cc-e2e-"));
  made.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function typeScriptProject(target: ts.ScriptTarget): string {
  return writeProject({
    "package.json": JSON.stringify({ name: "asset-transfer", version: "1.0.0", main: "dist/index.js" }),
    "dist/index.js": compileTypeScript(ASSET_CONTRACT, target),
    "dist/stamp.js": compileTypeScript(STAMP, target),
  });
}

function invoke(realm: ContractRealm, host: TestHost, budget = 1_000_000) {
  return realm.invoke(host, { seed: SEED, budget });
}

describe.each([
  ["ES2017", ts.ScriptTarget.ES2017],
  ["ES2020", ts.ScriptTarget.ES2020],
])("a decorated TypeScript contract compiled for %s", (_name, target) => {
  let sandbox: ContractSandbox;
  beforeAll(() => {
    sandbox = ContractSandbox.load(packageChaincode(typeScriptProject(target)).bytes);
  });

  it("loads, writes, reads and lists through the real contract API", () => {
    const realm = sandbox.createRealm();
    expect(realm.loadOutcome.status).toBe(200);
    const create = testHost(["asset:create", "a1", "parks", "42"]);
    const created = invoke(realm, create);
    expect(created.status, created.message).toBe(200);
    const asset = JSON.parse(text(created));
    expect(asset).toEqual({
      id: "a1",
      owner: "parks",
      value: 42,
      updatedAt: new Date(create.timestampMs).toISOString(),
    });
    expect(create.events).toEqual(["created"]);

    const read = testHost(["asset:read", "a1"]);
    for (const [k, v] of create.state) read.state.set(k, v);
    expect(JSON.parse(text(invoke(realm, read)))).toEqual(asset);
    const all = testHost(["asset:all"]);
    for (const [k, v] of create.state) all.state.set(k, v);
    expect(JSON.parse(text(invoke(realm, all)))).toEqual(["a1"]);
  });

  it("reports the contract's own failures, unknown functions and the budget", () => {
    const realm = sandbox.createRealm();
    const missing = invoke(realm, testHost(["asset:read", "nope"]));
    expect(missing.status).toBe(500);
    expect(missing.message).toContain("asset nope does not exist");
    expect(invoke(realm, testHost(["asset:fly"])).code).toBe("CONTRACT_FUNCTION_UNKNOWN");
    const runaway = invoke(realm, testHost(["asset:runaway"]), 50_000);
    expect(runaway.code).toBe(ErrorCode.CONTRACT_BUDGET_EXCEEDED);
    expect(runaway.ticksUsed).toBe(50_000);
  });

  it("publishes the decorators' metadata", () => {
    const meta = JSON.parse(text(invoke(sandbox.createRealm(), testHost(["org.hyperledger.fabric:GetMetadata"]))));
    const asset = meta.contracts.asset;
    expect(asset.transactions.map((t: { name: string }) => t.name).sort()).toEqual([
      "all",
      "create",
      "exists",
      "read",
      "runaway",
    ]);
    expect(meta.components.schemas.Asset.properties).toHaveProperty("owner");
  });

  it("counts the same ticks in another sandbox loaded from the same bytes", () => {
    const again = ContractSandbox.load(packageChaincode(typeScriptProject(target)).bytes);
    const a = invoke(sandbox.createRealm(), testHost(["asset:create", "a2", "x", "1"]));
    const b = invoke(again.createRealm(), testHost(["asset:create", "a2", "x", "1"]));
    expect(b).toEqual(a);
    expect(a.status).toBe(200);
  });
});

describe("fabric-shim chaincode registered with shim.start", () => {
  it("runs Invoke through the real API", () => {
    const dir = writeProject({ "package.json": '{"name":"counter","version":"2.0.0"}', "index.js": SHIM_CHAINCODE });
    const realm = ContractSandbox.load(packageChaincode(dir).bytes).createRealm();
    const host = testHost(["add", "5"]);
    host.state.set("n", new TextEncoder().encode("10"));
    const outcome = invoke(realm, host);
    expect(outcome.status, outcome.message).toBe(200);
    expect(text(outcome)).toBe("15");
    expect(new TextDecoder().decode(host.state.get("n"))).toBe("15");
    expect(invoke(realm, testHost(["sub", "1"])).status).toBe(500);
  });
});
