import { readFileSync } from "node:fs";
import { ErrorCode } from "@citychain/protocol";
import { parse } from "acorn";
import { describe, expect, it } from "vitest";
import { instrumentSource } from "../../src/sandbox/instrument.ts";
import { compileTypeScript } from "./helpers.ts";

interface Vector {
  name: string;
  source: string;
  expected: string;
}

const vectors: Vector[] = JSON.parse(readFileSync(new URL("./instrument-vectors.json", import.meta.url), "utf8"));

/** The instrumented file as the loader wraps it, so that it parses as the sandbox compiles it. */
function wrapped(code: string): string {
  return `(function (__cc) { return function (exports, require, module, __filename, __dirname) {${code}\n}; })`;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe("instrumentSource", () => {
  it.each(vectors)("$name", ({ source, expected }) => {
    const out = instrumentSource(source, "x.js");
    expect(out).toBe(expected);
    expect(() => parse(wrapped(out), { ecmaVersion: "latest" })).not.toThrow();
  });

  it("gives the same output every time (the output is a function of the source alone)", () => {
    for (const { name, source } of vectors) {
      expect(instrumentSource(source, "a.js"), name).toBe(instrumentSource(source, "b/c.js"));
    }
  });

  it.each([
    ["the reserved prefix", "const __cc = 1;"],
    ["a reserved local", "let __ccD;"],
    ["the reserved prefix as a property", "o.__ccS = 1;"],
    ["dynamic import()", "import('fs');"],
    ["a with statement", "with (o) { x = 1; }"],
  ])("rejects %s", (_what, source) => {
    expect(codeOf(() => instrumentSource(source, "x.js"))).toBe(ErrorCode.CHAINCODE_SOURCE_FORBIDDEN);
  });

  it("rejects ES modules (import.meta and import declarations do not parse as CommonJS)", () => {
    expect(codeOf(() => instrumentSource("import.meta.url", "x.js"))).toBe(ErrorCode.CHAINCODE_SYNTAX_INVALID);
    expect(codeOf(() => instrumentSource("import fs from 'fs';", "x.js"))).toBe(ErrorCode.CHAINCODE_SYNTAX_INVALID);
  });

  it("accepts code that mentions the prefix only in strings and comments", () => {
    expect(() => instrumentSource("const s = '__cc'; // __cc\n", "x.js")).not.toThrow();
  });

  it("instruments TypeScript's decorated CommonJS output into code that still parses", () => {
    const js = compileTypeScript(`
      import { Context, Contract, Transaction } from "fabric-contract-api";
      export class Assets extends Contract {
        private readonly cache = new Map<string, string>();
        @Transaction()
        async put(ctx: Context, id: string, ...rest: string[]): Promise<void> {
          for (const part of [id, ...rest]) await ctx.stub.putState(part, Buffer.from(part));
        }
        @Transaction(false)
        async *keys(): AsyncGenerator<string> { yield* this.cache.keys(); }
      }
      export const contracts = [Assets];
    `);
    expect(js).toContain("__decorate");
    const out = instrumentSource(js, "index.js");
    expect(() => parse(wrapped(out), { ecmaVersion: "latest" })).not.toThrow();
    // Every function body of the helpers TypeScript emits is instrumented too.
    expect(out.match(/__cc\.e\(\)/g)?.length).toBeGreaterThan(5);
  });
});
