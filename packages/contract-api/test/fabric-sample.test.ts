/**
 * A Fabric sample contract (asset-transfer-basic, TypeScript) run through
 * `dispatch`. The sample is compiled by TypeScript with the repository's
 * tsconfig, because vitest compiles test files with esbuild, which does not
 * implement `emitDecoratorMetadata`: without that metadata `@Transaction()`
 * sees no parameter types and `@Property()` no property type. The first test
 * pins that finding.
 */

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as api from "../src/index.ts";
import { Transaction } from "../src/index.ts";
import { compileTypeScript, loadTypeScriptModule } from "./helpers/load-typescript.ts";
import { createMemoryHost, type MemoryHost, text } from "./helpers/memory-host.ts";

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "fixtures");

class CompiledByVitest {
  @Transaction()
  async Probe(_ctx: api.Context, _id: string): Promise<void> {}
  createContext() {
    return new api.Context();
  }
}

describe("decorator metadata", () => {
  it("is not emitted by vitest's esbuild transform, even with emitDecoratorMetadata in tsconfig", () => {
    expect(Reflect.getMetadata("design:paramtypes", CompiledByVitest.prototype, "Probe")).toBeUndefined();
  });

  it("is emitted by TypeScript with the repository's tsconfig", () => {
    const code = compileTypeScript("class A { @d() m(a: string, n: number): void {} }", "a.ts");
    expect(code).toContain('__metadata("design:paramtypes", [String, Number])');
  });
});

describe("Fabric sample asset-transfer-basic", () => {
  const sample = loadTypeScriptModule(resolve(FIXTURES, "index.ts"), { "../../src/index.ts": api });
  const chaincode = sample as { contracts: api.ContractClass[] };

  async function call(host: MemoryHost, ...args: string[]) {
    host.args = args;
    const result = await dispatch(host);
    if (result.status !== 200) throw new Error(`${args[0]}: ${result.message}`);
    return text(result.payload);
  }
  const dispatch = (host: MemoryHost) =>
    api.dispatch(chaincode, host, { title: "asset-transfer-basic", version: "1.0.0" });

  it("runs its transactions", async () => {
    const host = createMemoryHost();
    await call(host, "InitLedger");
    expect(JSON.parse(await call(host, "ReadAsset", "asset1"))).toEqual({
      AppraisedValue: 300,
      Color: "blue",
      ID: "asset1",
      Owner: "Tomoko",
      Size: 5,
      docType: "asset",
    });
    await call(host, "CreateAsset", "asset9", "black", "7", "Max", "900");
    expect(text(host.state.get("asset9")!)).toBe(
      '{"AppraisedValue":900,"Color":"black","ID":"asset9","Owner":"Max","Size":7}',
    );
    expect(await call(host, "AssetExists", "asset9")).toBe("true");
    expect(await call(host, "AssetTransferContract:AssetExists", "nope")).toBe("false");
    expect(await call(host, "TransferAsset", "asset9", "Ada")).toBe("Max");
    await call(host, "UpdateAsset", "asset2", "pink", "6", "Brad", "450");
    await call(host, "DeleteAsset", "asset3");
    const all = JSON.parse(await call(host, "GetAllAssets")) as Array<{ ID: string; Owner: string }>;
    expect(all.map((asset) => `${asset.ID}:${asset.Owner}`)).toEqual(["asset1:Tomoko", "asset2:Brad", "asset9:Ada"]);
  });

  it("rejects bad arguments and failing transactions as Fabric does", async () => {
    const host = createMemoryHost();
    await call(host, "InitLedger");
    host.args = ["CreateAsset", "asset1", "blue", "big", "Tom", "1"];
    expect(await dispatch(host)).toMatchObject({
      status: 500,
      message: "fromBuffer could not convert data to number",
      code: "CONTRACT_ARGS_INVALID",
    });
    host.args = ["CreateAsset", "asset1", "blue", "1", "Tom", "1"];
    expect(await dispatch(host)).toMatchObject({ status: 500, message: "The asset asset1 already exists" });
    host.args = ["ReadAsset"];
    expect(await dispatch(host)).toMatchObject({ message: "Expected 1 parameters, but 0 have been supplied" });
  });

  it("publishes metadata with typed parameters, tags, returns, info and the Asset schema", async () => {
    const host = createMemoryHost({ args: ["org.hyperledger.fabric:GetMetadata"] });
    const metadata = JSON.parse(text((await dispatch(host)).payload));
    const contract = metadata.contracts.AssetTransferContract;
    expect(contract.info).toEqual({
      title: "AssetTransfer",
      description: "Smart contract for trading assets",
      name: "AssetTransferContract",
      version: "",
    });
    const byName = Object.fromEntries(
      contract.transactions.map((transaction: { name: string }) => [transaction.name, transaction]),
    );
    expect(byName.CreateAsset).toEqual({
      tag: ["SUBMIT", "submitTx"],
      parameters: [
        { name: "id", description: "", schema: { type: "string" } },
        { name: "color", description: "", schema: { type: "string" } },
        { name: "size", description: "", schema: { type: "number" } },
        { name: "owner", description: "", schema: { type: "string" } },
        { name: "appraisedValue", description: "", schema: { type: "number" } },
      ],
      name: "CreateAsset",
    });
    expect(byName.AssetExists).toEqual({
      returns: { type: "boolean" },
      name: "AssetExists",
      tag: ["EVALUATE"],
      parameters: [{ name: "id", description: "", schema: { type: "string" } }],
    });
    expect(metadata.components.schemas.Asset).toEqual({
      $id: "Asset",
      type: "object",
      properties: {
        docType: { type: "string" },
        ID: { type: "string" },
        Color: { type: "string" },
        Size: { type: "number" },
        Owner: { type: "string" },
        AppraisedValue: { type: "number" },
      },
    });
    expect(metadata.info).toEqual({ version: "1.0.0", title: "asset-transfer-basic" });
  });
});
