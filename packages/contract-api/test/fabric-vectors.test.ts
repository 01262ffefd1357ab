/**
 * The contracts of this file are the ones the real fabric-shim 2.5.8 ran to
 * produce `vectors/fabric-dispatch.json`: every reply here (metadata JSON,
 * converted arguments, error messages, routing) must equal Fabric's.
 */

import { describe, expect, it } from "vitest";
import {
  Context,
  Contract,
  dispatch,
  Object as FabricObject,
  Info,
  Param,
  Property,
  Returns,
  Transaction,
} from "../src/index.ts";
import { decorateClass, decorateMember, designType, paramTypes } from "./helpers/decorate.ts";
import { createMemoryHost, text } from "./helpers/memory-host.ts";
import vectors from "./vectors/fabric-dispatch.json" with { type: "json" };

class Asset {
  ID = "";
}
decorateMember([Property(), designType(String)], Asset.prototype, "ID");
decorateMember([Property(), designType(Number)], Asset.prototype, "Size");
decorateMember([Property("Tags", "string[]")], Asset.prototype, "Tags");
decorateMember([Property("Owner", "string")], Asset.prototype, "Owner");
decorateClass([FabricObject()], Asset);

class Sub extends Asset {}
decorateMember([Property("Extra", "number")], Sub.prototype, "Extra");
decorateClass([FabricObject()], Sub);

class AssetContract extends Contract {
  counter: number;
  _hidden: number;

  constructor() {
    super("assets");
    this.counter = 3;
    this._hidden = 1;
  }

  async CreateAsset(_ctx: Context, id: string, size: number, flag: boolean, asset: Asset) {
    return { id, size, flag, asset, isAsset: asset instanceof Asset };
  }

  async ReadAsset(_ctx: Context, id: string) {
    return `x${id}`;
  }

  async Arr(_ctx: Context, list: number[]) {
    return list;
  }

  async Nothing(_ctx: Context) {}

  async Strs(_ctx: Context, list: string[]) {
    return { list, quoted: list.map((item) => item.length) };
  }

  _helper() {}

  notTx() {}
}
decorateMember(
  [Transaction(), paramTypes(Context, String, Number, Boolean, Asset)],
  AssetContract.prototype,
  "CreateAsset",
);
decorateMember(
  [Transaction(false), Returns("string"), paramTypes(Context, String)],
  AssetContract.prototype,
  "ReadAsset",
);
decorateMember(
  [Transaction(), Param("list", "number[]", "a list"), paramTypes(Context, Array)],
  AssetContract.prototype,
  "Arr",
);
decorateMember([Transaction(false), paramTypes(Context)], AssetContract.prototype, "Nothing");
decorateMember([Transaction(), Param("list", "string[]"), paramTypes(Context, Array)], AssetContract.prototype, "Strs");
decorateClass([Info({ title: "AssetTransfer", description: "Smart contract for trading assets" })], AssetContract);

class Plain extends Contract {
  async a(_ctx: Context, x: string, y: string) {
    return x + y;
  }
  b() {}
  async c(_ctx: Context) {
    return 5;
  }
}

const chaincode = { contracts: [AssetContract, Plain] };

describe("replies equal the real fabric-shim's", () => {
  for (const vector of vectors.cases) {
    it(vector.name, async () => {
      const host = createMemoryHost({ args: vector.args });
      const result = await dispatch(chaincode, host, { title: "mycc", version: "1.0.0" });
      expect({ status: result.status, message: result.message, payload: text(result.payload) }).toEqual({
        status: vector.status,
        message: vector.message,
        payload: vector.payload,
      });
    });
  }
});
