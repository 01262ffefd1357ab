import { ErrorCode, encode } from "@citychain/protocol";
import { describe, expect, it } from "vitest";
import {
  bundleHashHex,
  CHAINCODE_BUNDLE_FORMAT,
  type ChaincodeBundle,
  decodeBundle,
  encodeBundle,
} from "../../src/sandbox/bundle.ts";
import { CHAINCODE_BUNDLE_BYTES_MAX, CHAINCODE_FILE_BYTES_MAX } from "../../src/sandbox/limits.ts";

const base: ChaincodeBundle = {
  format: CHAINCODE_BUNDLE_FORMAT,
  name: "assets",
  version: "1.2.3",
  main: "dist/index.js",
  files: { "dist/index.js": "require('./lib')", "dist/lib.js": "module.exports = 1", "data.json": "{}" },
  resolutions: { "dist/index.js": { "./lib": "dist/lib.js" } },
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

/** Bytes of a bundle-shaped value, bypassing `encodeBundle`'s own check. */
function raw(value: Record<string, unknown>): Uint8Array {
  return encode(value);
}

describe("chaincode bundles", () => {
  it("round-trip, with the hash of the canonical bytes", () => {
    const { bytes, hashHex } = encodeBundle(base);
    expect(decodeBundle(bytes)).toEqual(base);
    expect(hashHex).toBe(bundleHashHex(bytes));
    expect(hashHex).toMatch(/^[0-9a-f]{64}$/);
  });

  it("encode to the same bytes whatever order the maps were built in", () => {
    const reordered: ChaincodeBundle = {
      ...base,
      files: Object.fromEntries(Object.entries(base.files).reverse()),
    };
    expect(encodeBundle(reordered).bytes).toEqual(encodeBundle(base).bytes);
  });

  const broken: [string, Record<string, unknown>, string][] = [
    ["an unknown format", { ...base, format: "citychain-chaincode/2" }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["an extra field", { ...base, extra: 1 }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["an empty name", { ...base, name: "" }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["a path with ..", { ...base, files: { ...base.files, "../x.js": "" } }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["an absolute path", { ...base, files: { ...base.files, "/x.js": "" } }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["a path with ./", { ...base, files: { ...base.files, "./x.js": "" } }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["a backslash path", { ...base, files: { ...base.files, "a\\x.js": "" } }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["a TypeScript file", { ...base, files: { ...base.files, "x.ts": "" } }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["an ES module", { ...base, files: { ...base.files, "x.mjs": "" } }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["a missing main", { ...base, main: "dist/none.js" }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    ["a JSON main", { ...base, main: "data.json" }, ErrorCode.CHAINCODE_BUNDLE_INVALID],
    [
      "bytes as a source",
      { ...base, files: { ...base.files, "y.js": new Uint8Array(1) } },
      ErrorCode.CHAINCODE_BUNDLE_INVALID,
    ],
    [
      "a resolution to a file not in the bundle",
      { ...base, resolutions: { "dist/index.js": { "./x": "dist/x.js" } } },
      ErrorCode.CHAINCODE_BUNDLE_INVALID,
    ],
    [
      "resolutions of a file not in the bundle",
      { ...base, resolutions: { "dist/x.js": { "./lib": "dist/lib.js" } } },
      ErrorCode.CHAINCODE_BUNDLE_INVALID,
    ],
    [
      "a file over the size limit",
      { ...base, files: { ...base.files, "big.js": "x".repeat(CHAINCODE_FILE_BYTES_MAX + 1) } },
      ErrorCode.CHAINCODE_FILE_TOO_LARGE,
    ],
  ];
  it.each(broken)("are refused with %s", (_what, value, code) => {
    expect(codeOf(() => decodeBundle(raw(value)))).toBe(code);
  });

  it("are refused when over the size limit, before decoding", () => {
    expect(codeOf(() => decodeBundle(new Uint8Array(CHAINCODE_BUNDLE_BYTES_MAX + 1)))).toBe(
      ErrorCode.CHAINCODE_TOO_LARGE,
    );
  });

  it("are refused when not canonical CBOR", () => {
    const bytes = encodeBundle(base).bytes;
    expect(codeOf(() => decodeBundle(new Uint8Array([...bytes, 0])))).toBe(ErrorCode.CHAINCODE_BUNDLE_INVALID);
    expect(codeOf(() => decodeBundle(new Uint8Array([0xff])))).toBe(ErrorCode.CHAINCODE_BUNDLE_INVALID);
  });

  it("are checked when encoded too", () => {
    expect(codeOf(() => encodeBundle({ ...base, main: "nope.js" }))).toBe(ErrorCode.CHAINCODE_BUNDLE_INVALID);
  });
});
