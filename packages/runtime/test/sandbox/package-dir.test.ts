import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ErrorCode } from "@citychain/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { decodeBundle } from "../../src/sandbox/bundle.ts";
import { CHAINCODE_FILE_BYTES_MAX } from "../../src/sandbox/limits.ts";
import { packageChaincode } from "../../src/sandbox/package-dir.ts";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Writes a project into a new temporary directory, files in the given order. */
function project(files: Record<string, string>, order: "forward" | "reverse" = "forward"): string {
  const dir = mkdtempSync(join(tmpdir(), "cc-package-"));
  made.push(dir);
  const entries = Object.entries(files);
  if (order === "reverse") entries.reverse();
  for (const [path, text] of entries) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function codeOf(fn: () => unknown): { code?: string; message?: string } {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  return {};
}

const ASSETS: Record<string, string> = {
  "package.json": JSON.stringify({ name: "assets", version: "1.0.0", main: "dist/index.js" }),
  "dist/index.js": [
    "'use strict';",
    "const { Contract } = require('fabric-contract-api');",
    "const { Buffer } = require('node:buffer');",
    "const util = require('util');",
    "const lib = require('./lib');",
    "const config = require('../config.json');",
    "const mainPkg = require('lib-main');",
    "const exported = require('lib-exports');",
    "const scoped = require(`@scope/pkg`);",
    "const sub = require('@scope/pkg/extra');",
    "let fs; try { fs = require('fs'); } catch { fs = undefined; }",
    "try { require('optional-missing'); } catch {}",
    "const dynamic = (name) => require(name);",
    "module.exports.contracts = [];",
  ].join("\n"),
  "dist/lib/index.js": "module.exports = require('./helper.js');",
  "dist/lib/helper.js": "module.exports = 1;",
  "dist/unused.js": "module.exports = 'not reachable';",
  "config.json": '{"a": 1}',
  "node_modules/fabric-contract-api/package.json": JSON.stringify({ name: "fabric-contract-api", main: "index.js" }),
  "node_modules/fabric-contract-api/index.js": "module.exports = 'the real one is never bundled';",
  "node_modules/lib-main/package.json": JSON.stringify({ name: "lib-main", main: "lib/entry" }),
  "node_modules/lib-main/lib/entry.js": "module.exports = require('dep');",
  "node_modules/lib-main/node_modules/dep/index.js": "module.exports = 'nested';",
  "node_modules/lib-exports/package.json": JSON.stringify({
    name: "lib-exports",
    main: "wrong.js",
    exports: { ".": { import: "./esm.mjs", require: "./cjs.cjs" } },
  }),
  "node_modules/lib-exports/cjs.cjs": "module.exports = 'cjs';",
  "node_modules/@scope/pkg/index.js": "module.exports = 'scoped';",
  "node_modules/@scope/pkg/extra.js": "module.exports = 'extra';",
};

describe("packageChaincode", () => {
  it("bundles exactly the files reachable from main, with their resolutions", () => {
    const pkg = packageChaincode(project(ASSETS));
    expect(pkg.name).toBe("assets");
    expect(pkg.version).toBe("1.0.0");
    expect(pkg.main).toBe("dist/index.js");
    expect(pkg.files).toEqual([
      "config.json",
      "dist/index.js",
      "dist/lib/helper.js",
      "dist/lib/index.js",
      "node_modules/@scope/pkg/extra.js",
      "node_modules/@scope/pkg/index.js",
      "node_modules/lib-exports/cjs.cjs",
      "node_modules/lib-main/lib/entry.js",
      "node_modules/lib-main/node_modules/dep/index.js",
    ]);
    const bundle = decodeBundle(pkg.bytes);
    expect(bundle.resolutions).toEqual({
      "dist/index.js": {
        "./lib": "dist/lib/index.js",
        "../config.json": "config.json",
        "lib-main": "node_modules/lib-main/lib/entry.js",
        "lib-exports": "node_modules/lib-exports/cjs.cjs",
        "@scope/pkg": "node_modules/@scope/pkg/index.js",
        "@scope/pkg/extra": "node_modules/@scope/pkg/extra.js",
      },
      "dist/lib/index.js": { "./helper.js": "dist/lib/helper.js" },
      "node_modules/lib-main/lib/entry.js": { dep: "node_modules/lib-main/node_modules/dep/index.js" },
    });
  });

  it("gives byte-identical bundles for copies of a project in different places, written in different orders", () => {
    const a = packageChaincode(project(ASSETS, "forward"));
    const b = packageChaincode(project(ASSETS, "reverse"));
    expect(b.hashHex).toBe(a.hashHex);
    expect(b.bytes).toEqual(a.bytes);
  });

  it("gives a different hash when any bundled byte changes", () => {
    const a = packageChaincode(project(ASSETS));
    const b = packageChaincode(project({ ...ASSETS, "dist/lib/helper.js": "module.exports = 2;" }));
    expect(b.hashHex).not.toBe(a.hashHex);
  });

  it("uses index.js when package.json has no main, and strips a byte-order mark", () => {
    const pkg = packageChaincode(
      project({ "package.json": '{"name":"x","version":"1"}', "index.js": "\ufeffmodule.exports = 1;" }),
    );
    expect(pkg.main).toBe("index.js");
    expect(decodeBundle(pkg.bytes).files["index.js"]).toBe("module.exports = 1;");
  });

  const failures: [string, Record<string, string>, string, RegExp][] = [
    ["no package.json", { "index.js": "" }, ErrorCode.CHAINCODE_PACKAGE_INVALID, /package\.json/],
    [
      "a package.json without version",
      { "package.json": '{"name":"x"}', "index.js": "" },
      ErrorCode.CHAINCODE_PACKAGE_INVALID,
      /name and a version/,
    ],
    [
      "a missing main",
      { "package.json": '{"name":"x","version":"1","main":"dist/index.js"}' },
      ErrorCode.CHAINCODE_MAIN_NOT_FOUND,
      /dist\/index\.js/,
    ],
    [
      "a forbidden builtin",
      {
        "package.json": '{"name":"x","version":"1"}',
        "index.js": "require('./a');",
        "a.js": "require('child_process');",
      },
      ErrorCode.CHAINCODE_MODULE_FORBIDDEN,
      /a\.js requires "child_process"/,
    ],
    [
      "a node: builtin",
      { "package.json": '{"name":"x","version":"1"}', "index.js": "require('node:crypto');" },
      ErrorCode.CHAINCODE_MODULE_FORBIDDEN,
      /node:crypto/,
    ],
    [
      "an unresolvable module",
      { "package.json": '{"name":"x","version":"1"}', "index.js": "require('left-pad');" },
      ErrorCode.CHAINCODE_MODULE_NOT_FOUND,
      /left-pad/,
    ],
    [
      "an unresolvable relative file",
      { "package.json": '{"name":"x","version":"1"}', "index.js": "require('./nope');" },
      ErrorCode.CHAINCODE_MODULE_NOT_FOUND,
      /\.\/nope/,
    ],
    [
      "an ES module entry",
      { "package.json": '{"name":"x","version":"1"}', "index.js": "export const a = 1;" },
      ErrorCode.CHAINCODE_SYNTAX_INVALID,
      /CommonJS/,
    ],
    [
      "invalid JSON",
      { "package.json": '{"name":"x","version":"1"}', "index.js": "require('./d.json');", "d.json": "{" },
      ErrorCode.CHAINCODE_SYNTAX_INVALID,
      /d\.json/,
    ],
    [
      "a file over the size limit",
      {
        "package.json": '{"name":"x","version":"1"}',
        "index.js": "require('./big');",
        "big.js": `//${"x".repeat(CHAINCODE_FILE_BYTES_MAX)}`,
      },
      ErrorCode.CHAINCODE_FILE_TOO_LARGE,
      /big\.js/,
    ],
  ];
  it("refuses a file outside the project directory", () => {
    const dir = project({
      "outside.js": "module.exports = 1;",
      "cc/package.json": '{"name":"x","version":"1"}',
      "cc/index.js": "require('../outside');",
    });
    const error = codeOf(() => packageChaincode(join(dir, "cc")));
    expect(error.code).toBe(ErrorCode.CHAINCODE_MODULE_NOT_FOUND);
    expect(error.message).toMatch(/outside the project/);
  });

  it.each(failures)("refuses %s with its code", (_what, files, code, message) => {
    const error = codeOf(() => packageChaincode(project(files)));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});
