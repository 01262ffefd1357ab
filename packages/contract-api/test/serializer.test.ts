import { describe, expect, it } from "vitest";
import { JSONSerializer } from "../src/serializer/json-serializer.ts";

/** Fabric's `toBuffer` outputs, captured from fabric-contract-api 2.5.8 with class-transformer. */
describe("JSONSerializer.toBuffer matches Fabric", () => {
  const serializer = new JSONSerializer();
  const out = (value: unknown) => serializer.toBuffer(value)?.toString();

  class Rich {
    x = 1;
    u = undefined;
    d = new Date(0);
    m = new Map([["a", 1]]);
    st = new Set([1, 2]);
    f = () => 1;
    n = null;
    b = Buffer.from("hi");
    get g() {
      return 5;
    }
    toJSON() {
      return "TOJSON";
    }
  }
  class Parent {
    x = 1;
  }
  class Child extends Parent {
    y = 2;
  }

  const cases: Array<[string, unknown, string | undefined]> = [
    ["string", "str", "str"],
    ["number", 12.5, "12.5"],
    ["large number", 1e21, "1e+21"],
    ["NaN", Number.NaN, "NaN"],
    ["zero", 0, "0"],
    ["empty string", "", ""],
    ["false", false, "false"],
    ["null", null, undefined],
    ["undefined", undefined, undefined],
    ["Buffer", Buffer.from("abc"), '{"type":"Buffer","data":[97,98,99]}'],
    [
      "class instance: own fields only, functions called, no toJSON",
      new Rich(),
      '{"x":1,"d":"1970-01-01T00:00:00.000Z","m":{"a":1},"st":[1,2],"f":1,"n":null,"b":{"type":"Buffer","data":[104,105]}}',
    ],
    ["array", [1, "a", { y: 2 }], '[1,"a",{"y":2}]'],
    [
      "undefined members; functions in arrays are not called",
      { a: undefined, b: [undefined, () => 1] },
      '{"b":[null,null]}',
    ],
    ["Uint8Array", new Uint8Array([1, 2]), '{"0":1,"1":2}'],
    ["own toJSON is called as a method", { toJSON: () => 1 }, '{"toJSON":1}'],
    [
      "method sees its object",
      {
        fn(this: { k: number }) {
          return this.k;
        },
        k: 9,
      },
      '{"fn":9,"k":9}',
    ],
    ["Map at top", new Map([[1, { a: 1 }]]), '{"1":{"a":1}}'],
    ["Date at top", new Date(0), '"1970-01-01T00:00:00.000Z"'],
    ["invalid Date", { d: new Date(Number.NaN) }, '{"d":null}'],
    ["boxed values", { n: new Number(3), s: new String("x") }, '{"n":{},"s":{"0":"x"}}'],
    ["subclass", new Child(), '{"x":1,"y":2}'],
  ];
  for (const [name, value, expected] of cases) {
    it(name, () => expect(out(value)).toBe(expected));
  }

  it("rejects cycles and BigInt as JSON.stringify does", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => out(cyclic)).toThrow("Converting circular structure to JSON");
    expect(() => out({ big: 1n })).toThrow("BigInt");
  });
});

describe("JSONSerializer.fromBuffer", () => {
  const serializer = new JSONSerializer();
  const parse = (data: string, prop: Record<string, unknown>) =>
    serializer.fromBuffer(Buffer.from(data), { properties: { prop }, components: { schemas: {} } });

  it("converts by schema type as Fabric does", () => {
    expect(parse(" 12 ", { type: "number" }).value).toBe(12);
    expect(parse("", { type: "number" }).value).toBe(0);
    expect(parse(" TRUE ", { type: "boolean" }).value).toBe(true);
    expect(parse("text", { type: "string" })).toEqual({ value: "text", jsonForValidation: '"text"' });
    expect(parse('["a","b"]', { type: "array", items: { type: "string" } }).value).toEqual(['"a"', '"b"']);
    expect(parse('{"type":"Buffer","data":[1,2]}', {}).value).toEqual(Buffer.from([1, 2]));
    expect(parse("not json", {}).value).toBe("not json");
    expect(() => parse("x", { type: "number" })).toThrow("fromBuffer could not convert data to number");
    expect(() => parse("yes", { type: "boolean" })).toThrow("fromBuffer could not convert data to boolean");
  });
});
