import { afterEach, describe, expect, it } from "vitest";
import {
  type ChaincodeStub,
  type Context,
  Contract,
  clearStartedChaincode,
  describeChaincode,
  dispatch,
  Context as FabricContext,
  fabricShim,
  Shim,
  Transaction,
} from "../src/index.ts";
import { decorateMember, paramTypes } from "./helpers/decorate.ts";
import { createMemoryHost, text } from "./helpers/memory-host.ts";

class Counter extends Contract {
  constructor() {
    super("Counter");
  }
  async increment(ctx: Context, key: string): Promise<number> {
    const current = Number((await ctx.stub.getState(key)).toString() || "0");
    await ctx.stub.putState(key, String(current + 1));
    return current + 1;
  }
  async read(ctx: Context, key: string): Promise<string> {
    return (await ctx.stub.getState(key)).toString();
  }
  async fail(_ctx: Context): Promise<void> {
    throw new Error("asset a1 does not exist");
  }
  async burst(ctx: Context): Promise<void> {
    for (let i = 0; i < 10; i++) await ctx.stub.putState(`k${i}`, "v");
  }
  async bytes(): Promise<Buffer> {
    return Buffer.from("raw");
  }
}

class Greeter extends Contract {
  async hello(_ctx: Context, name: string): Promise<string> {
    return `hello ${name}`;
  }
}

const chaincode = { contracts: [Counter, Greeter] };

async function run(args: string[], options: Parameters<typeof createMemoryHost>[0] = {}) {
  const host = createMemoryHost({ ...options, args });
  const result = await dispatch(chaincode, host);
  return { host, result, payload: text(result.payload) };
}

describe("routing", () => {
  it("routes a bare name to the first contract and Name:fn to the named one", async () => {
    expect((await run(["increment", "c"])).payload).toBe("1");
    expect((await run(["Counter:increment", "c"])).payload).toBe("1");
    const greeted = await run(["Greeter:hello", "Ann"]);
    expect(greeted.result).toMatchObject({ status: 200, message: "" });
    expect(greeted.payload).toBe("hello Ann");
  });

  it("answers an unknown function with Fabric's message and CONTRACT_FUNCTION_UNKNOWN", async () => {
    const { result } = await run(["Greeter:nope"]);
    expect(result).toMatchObject({
      status: 500,
      message: "You've asked to invoke a function that does not exist: Greeter:nope",
      code: "CONTRACT_FUNCTION_UNKNOWN",
    });
    expect((await run(["Nobody:hello"])).result).toMatchObject({
      status: 500,
      message: "Contract name is not known: Nobody",
      code: "CONTRACT_FUNCTION_UNKNOWN",
    });
  });

  it("lets an overridden unknownTransaction succeed", async () => {
    class Lenient extends Contract {
      override async unknownTransaction(ctx: Context): Promise<void> {
        await ctx.stub.putState("unknown", ctx.stub.getFunctionAndParameters().fcn);
      }
    }
    const host = createMemoryHost({ args: ["whatever"] });
    expect((await dispatch({ contracts: [Lenient] }, host)).status).toBe(200);
    expect(text(host.state.get("unknown")!)).toBe("whatever");
  });

  it("answers no arguments with Fabric's default initiator message", async () => {
    expect((await run([])).payload).toBe("Default initiator successful.");
  });

  it("accepts a module that exports a single contract class", async () => {
    const host = createMemoryHost({ args: ["hello", "Bo"] });
    expect(text((await dispatch(Greeter, host)).payload)).toBe("hello Bo");
  });

  it("refuses a module with no chaincode", async () => {
    const result = await dispatch({} as never, createMemoryHost({ args: ["x"] }));
    expect(result).toMatchObject({ status: 500, code: "CONTRACT_CHAINCODE_INVALID" });
  });
});

describe("transaction lifecycle", () => {
  it("runs createContext, beforeTransaction, the function and afterTransaction in order, on one context", async () => {
    const trace: string[] = [];
    class TracingContext extends FabricContext {
      readonly label = "traced";
    }
    class Traced extends Contract {
      override createContext(): FabricContext {
        trace.push("createContext");
        return new TracingContext();
      }
      override async beforeTransaction(ctx: Context): Promise<void> {
        trace.push(`before:${(ctx as TracingContext).label}:${ctx.stub.getTxID().slice(0, 2)}`);
      }
      override async afterTransaction(_ctx: Context, result: unknown): Promise<void> {
        trace.push(`after:${String(result)}`);
      }
      async work(ctx: Context, value: string): Promise<string> {
        trace.push(`work:${value}:${ctx.clientIdentity.getMSPID()}`);
        return `done ${value}`;
      }
    }
    decorateMember([Transaction(), paramTypes(TracingContext, String)], Traced.prototype, "work");
    // @Transaction calls createContext once itself, to learn the context type (as Fabric's does).
    expect(trace.splice(0)).toEqual(["createContext"]);
    const result = await dispatch({ contracts: [Traced] }, createMemoryHost({ args: ["work", "x"] }));
    expect(text(result.payload)).toBe("done x");
    expect(trace).toEqual(["createContext", "before:traced:ab", "work:x:Org1MSP", "after:done x"]);
  });

  it("rejects the transaction when beforeTransaction throws, without calling the function", async () => {
    let called = false;
    class Guarded extends Contract {
      override async beforeTransaction(ctx: Context): Promise<void> {
        if (ctx.clientIdentity.getAttributeValue("role") !== "admin") throw new Error("admins only");
      }
      async act(): Promise<void> {
        called = true;
      }
    }
    const result = await dispatch({ contracts: [Guarded] }, createMemoryHost({ args: ["act"] }));
    expect(result).toMatchObject({ status: 500, message: "admins only" });
    expect(result.code).toBeUndefined();
    expect(called).toBe(false);
  });

  it("lets aroundTransaction wrap the call", async () => {
    class Wrapped extends Contract {
      override async aroundTransaction(ctx: Context, fn: string, parameters: unknown[]): Promise<unknown> {
        const result = await super.aroundTransaction(ctx, fn, parameters);
        return `[${String(result)}]`;
      }
      async echo(_ctx: Context, value: string): Promise<string> {
        return value;
      }
    }
    expect(text((await dispatch({ contracts: [Wrapped] }, createMemoryHost({ args: ["echo", "v"] }))).payload)).toBe(
      "[v]",
    );
  });

  it("instantiates contracts afresh for every invocation", async () => {
    class Stateful extends Contract {
      calls = 0;
      async count(): Promise<number> {
        this.calls++;
        return this.calls;
      }
    }
    const first = await dispatch({ contracts: [Stateful] }, createMemoryHost({ args: ["count"] }));
    const second = await dispatch({ contracts: [Stateful] }, createMemoryHost({ args: ["count"] }));
    expect([text(first.payload), text(second.payload)]).toEqual(["1", "1"]);
  });
});

describe("error mapping", () => {
  it("maps a contract's error to 500 with its message and no code", async () => {
    const { result } = await run(["fail"]);
    expect(result).toMatchObject({ status: 500, message: "asset a1 does not exist" });
    expect(result.payload).toHaveLength(0);
    expect("code" in result).toBe(false);
  });

  it("passes a host limit error's code through", async () => {
    const { result } = await run(["burst"], { writeLimit: 3 });
    expect(result).toMatchObject({ status: 500, message: "more than 3 writes", code: "CONTRACT_WRITE_LIMIT" });
  });

  it("gives the host's error when an evaluation writes", async () => {
    const { result } = await run(["increment", "c"], { readOnly: true });
    expect(result).toMatchObject({ status: 500, code: "CONTRACT_READ_ONLY" });
    expect((await run(["read", "c"], { readOnly: true })).result.status).toBe(200);
  });

  it("codes argument errors CONTRACT_ARGS_INVALID and says when decorator metadata is missing", async () => {
    class Untyped extends Contract {
      async set(_ctx: Context, _key: string, _value: number): Promise<void> {}
    }
    // As vitest (esbuild) compiles it: @Transaction() with no design:paramtypes.
    decorateMember([Transaction()], Untyped.prototype, "set");
    const result = await dispatch({ contracts: [Untyped] }, createMemoryHost({ args: ["set", "k", "1"] }));
    expect(result.code).toBe("CONTRACT_ARGS_INVALID");
    expect(result.message).toMatch(/^Expected 0 parameters, but 2 have been supplied \(the contract was compiled/);
  });

  it("serializes a returned Buffer as Fabric's JSON serializer does", async () => {
    expect((await run(["bytes"])).payload).toBe('{"type":"Buffer","data":[114,97,119]}');
  });
});

describe("GetMetadata and describeChaincode", () => {
  it("lists every contract with its introspected transactions, the system contract last", async () => {
    const metadata = describeChaincode(chaincode, { title: "counter", version: "2.0.0" });
    expect(Object.keys(metadata)).toEqual(["$schema", "contracts", "info", "components"]);
    expect(Object.keys(metadata.contracts)).toEqual(["Counter", "Greeter", "org.hyperledger.fabric"]);
    expect(metadata.contracts.Counter.contractInstance).toEqual({ name: "Counter", default: true });
    expect(metadata.contracts.Counter.transactions.map((t) => t.name)).toEqual([
      "increment",
      "read",
      "fail",
      "burst",
      "bytes",
    ]);
    expect(metadata.contracts.Greeter.transactions[0]).toEqual({
      name: "hello",
      tags: ["SUBMIT", "submitTx"],
      parameters: [{ name: "arg0", description: "Argument 0", schema: { type: "string" } }],
    });
    expect(metadata.contracts["org.hyperledger.fabric"].transactions).toEqual([{ name: "GetMetadata" }]);
    expect(metadata.info).toEqual({ version: "2.0.0", title: "counter" });
    const served = await dispatch(chaincode, createMemoryHost({ args: ["org.hyperledger.fabric:GetMetadata"] }), {
      title: "counter",
      version: "2.0.0",
    });
    expect(JSON.parse(text(served.payload))).toEqual(metadata);
  });
});

describe("logging", () => {
  it("sends ctx.logging and shim loggers to the host with the logger's name, dropping debug at the default level", async () => {
    const moduleLogger = fabricShim.newLogger("mycc");
    class Chatty extends Contract {
      async talk(ctx: Context): Promise<void> {
        const logger = ctx.logging.getLogger("talk");
        logger.info("hello", { n: 1 });
        logger.debug("hidden");
        ctx.logging.setLevel("DEBUG");
        logger.debug("shown");
        moduleLogger.warn("from the module");
        ctx.logging.getLogger().error(new Error("boom"));
      }
    }
    const host = createMemoryHost({ args: ["talk"] });
    await dispatch({ contracts: [Chatty] }, host);
    expect(host.logs).toEqual([
      { level: "info", message: '[Chatty:talk] hello {"n":1}' },
      { level: "debug", message: "[Chatty:talk] shown" },
      { level: "warn", message: "[mycc] from the module" },
      { level: "error", message: "[Chatty] boom" },
    ]);
    moduleLogger.info("after the invocation: nowhere to go");
    expect(host.logs).toHaveLength(4);
  });
});

describe("shim chaincode", () => {
  afterEach(() => clearStartedChaincode());

  const shimChaincode = {
    async Init(stub: ChaincodeStub) {
      const [key, value] = stub.getFunctionAndParameters().params;
      await stub.putState(key, value);
      return Shim.success();
    },
    async Invoke(stub: ChaincodeStub) {
      const { fcn, params } = stub.getFunctionAndParameters();
      if (fcn === "get") return Shim.success(await stub.getState(params[0]));
      if (fcn === "silent") return undefined as never;
      if (fcn === "teapot") return { status: 418, message: "short and stout", payload: Buffer.from("tea") };
      return Shim.error(`unknown function ${fcn}`);
    },
  };

  it("calls Init for the init function and Invoke for the others", async () => {
    const host = createMemoryHost({ args: ["init", "a", "100"] });
    expect(await dispatch(shimChaincode, host)).toMatchObject({ status: 200 });
    expect(text(host.state.get("a")!)).toBe("100");
    host.args = ["get", "a"];
    const read = await dispatch(shimChaincode, host);
    expect(read.status).toBe(200);
    expect(text(read.payload)).toBe("100");
  });

  it("runs chaincode registered with shim.start when the module exports nothing else", async () => {
    expect(fabricShim.start(shimChaincode)).toHaveProperty("close");
    const result = await dispatch({}, createMemoryHost({ args: ["nope"] }));
    expect(result).toMatchObject({ status: 500, message: "unknown function nope" });
    expect(() => fabricShim.start({ Init() {} } as never)).toThrow('must implement the "Invoke()" method');
  });

  it("registers chaincode started as a chaincode server", async () => {
    await fabricShim.server(shimChaincode, { ccid: "cc:1", address: "0.0.0.0:9999" }).start();
    const host = createMemoryHost({ args: ["init", "k", "v"] });
    expect((await dispatch({}, host)).status).toBe(200);
    expect(text(host.state.get("k")!)).toBe("v");
  });

  it("treats status 400 and above as failure and a missing response as Fabric's error", async () => {
    const teapot = await dispatch(shimChaincode, createMemoryHost({ args: ["teapot"] }));
    expect(teapot).toMatchObject({ status: 500, message: "short and stout" });
    expect(text(teapot.payload)).toBe("tea");
    const silent = await dispatch(shimChaincode, createMemoryHost({ args: ["silent"], txId: "0123456789abcdef" }));
    expect(silent).toMatchObject({
      status: 500,
      message: "[citychain-test-01234567] Calling chaincode Invoke() has not called success or error.",
      code: "CONTRACT_CHAINCODE_INVALID",
    });
  });

  it("has Fabric's success and error shapes", () => {
    expect(Shim.success()).toEqual({ status: 200, payload: Buffer.from("") });
    expect(Shim.success(Buffer.from("x")).payload.toString()).toBe("x");
    expect(Shim.error("bad")).toEqual({ status: 500, message: "bad" });
  });

  it("describes shim chaincode with no contracts", () => {
    expect(describeChaincode(shimChaincode).contracts).toEqual({});
  });
});
