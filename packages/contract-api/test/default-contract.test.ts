/**
 * `@Default()` keeps chaincode-wide state (as Fabric's does, on `global`),
 * so it has a test file, hence a module registry, of its own.
 */

import { describe, expect, it } from "vitest";
import { type Context, Contract, Default, describeChaincode, dispatch } from "../src/index.ts";
import { decorateClass } from "./helpers/decorate.ts";
import { createMemoryHost, text } from "./helpers/memory-host.ts";

class First extends Contract {
  async who(_ctx: Context): Promise<string> {
    return "first";
  }
}

class Second extends Contract {
  constructor() {
    super("second");
  }
  async who(_ctx: Context): Promise<string> {
    return "second";
  }
}
decorateClass([Default()], Second);

describe("@Default()", () => {
  it("makes its contract answer bare function names, wherever it is exported", async () => {
    const chaincode = { contracts: [First, Second] };
    expect(text((await dispatch(chaincode, createMemoryHost({ args: ["who"] }))).payload)).toBe("second");
    expect(text((await dispatch(chaincode, createMemoryHost({ args: ["First:who"] }))).payload)).toBe("first");
    const metadata = describeChaincode(chaincode);
    expect(metadata.contracts.second.contractInstance).toEqual({ name: "second", default: true });
    expect(metadata.contracts.First.contractInstance).toEqual({ name: "First" });
  });

  it("may be given once per chaincode", () => {
    expect(() => decorateClass([Default()], First)).toThrow("A default has already been specified");
  });
});
