import {
  bytesToHex,
  CityChainError,
  decode,
  ErrorCode,
  encode,
  isCityChainError,
  NAME_CHARS_MAX,
  sha256,
} from "@citychain/protocol";
import { bundlePathProblem, isCodePath } from "./bundle-path.ts";
import {
  CHAINCODE_BUNDLE_BYTES_MAX,
  CHAINCODE_FILE_BYTES_MAX,
  CHAINCODE_FILES_MAX,
  CHAINCODE_REQUEST_CHARS_MAX,
} from "./limits.ts";

/** The format tag of bundles this code reads and writes. */
export const CHAINCODE_BUNDLE_FORMAT = "citychain-chaincode/1";

/**
 * A chaincode as deployed: every file reachable from `main`, and how each
 * static `require()` was resolved when it was packaged.
 *
 * `resolutions[fromFile][request]` is the bundle path that `require(request)`
 * in `fromFile` loads. Module resolution (extensions, `index.js`,
 * `node_modules` lookup, `package.json` `main`/`exports`) happens once, on the
 * developer's machine, so the sandbox's `require` is a map lookup with no
 * file-system logic and no `package.json` in the bundle. Modules the sandbox
 * provides (`fabric-contract-api`, `fabric-shim`, `buffer`, `util`,
 * `reflect-metadata`) have no entry: the sandbox answers them by name.
 */
export interface ChaincodeBundle {
  format: typeof CHAINCODE_BUNDLE_FORMAT;
  /** The project's `package.json` name. */
  name: string;
  /** The project's `package.json` version. */
  version: string;
  /** Bundle path of the entry module. */
  main: string;
  /** Source text by normalised relative path (see `bundlePathProblem`). */
  files: Record<string, string>;
  resolutions: Record<string, Record<string, string>>;
}

/** A bundle's canonical bytes and their SHA-256, the chaincode's identity. */
export interface EncodedBundle {
  bytes: Uint8Array;
  hashHex: string;
}

function invalid(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.CHAINCODE_BUNDLE_INVALID }, `chaincode bundle ${message}`);
}

function sortedRecord<T>(record: Record<string, T>, map: (value: T) => T = (v) => v): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = map(record[key]);
  return out;
}

/** SHA-256 of bundle bytes, lower-case hex. */
export function bundleHashHex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** Canonical CBOR of a bundle (keys sorted), checked as `decodeBundle` would check it. */
export function encodeBundle(bundle: ChaincodeBundle): EncodedBundle {
  const ordered: ChaincodeBundle = {
    format: bundle.format,
    name: bundle.name,
    version: bundle.version,
    main: bundle.main,
    files: sortedRecord(bundle.files),
    resolutions: sortedRecord(bundle.resolutions, (inner) => sortedRecord(inner)),
  };
  const bytes = encode(ordered);
  decodeBundle(bytes);
  return { bytes, hashHex: bundleHashHex(bytes) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function checkName(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > NAME_CHARS_MAX) {
    throw invalid(`${what} must be a string of 1 to ${NAME_CHARS_MAX} characters`);
  }
  return value;
}

function checkFiles(value: unknown): Record<string, string> {
  if (!isRecord(value)) throw invalid("files must be a map of path to source text");
  const paths = Object.keys(value);
  if (paths.length === 0) throw invalid("has no files");
  if (paths.length > CHAINCODE_FILES_MAX) {
    throw new CityChainError(
      { code: ErrorCode.CHAINCODE_TOO_LARGE },
      `chaincode bundle has ${paths.length} files, over the limit of ${CHAINCODE_FILES_MAX}`,
    );
  }
  for (const path of paths) {
    const problem = bundlePathProblem(path);
    if (problem) throw invalid(`file path "${path.slice(0, 80)}" ${problem}`);
    const source = value[path];
    if (typeof source !== "string") throw invalid(`file ${path} is not text`);
    const bytes = Buffer.byteLength(source, "utf8");
    if (bytes > CHAINCODE_FILE_BYTES_MAX) {
      throw new CityChainError(
        { code: ErrorCode.CHAINCODE_FILE_TOO_LARGE },
        `chaincode file ${path} is ${bytes} bytes, over the limit of ${CHAINCODE_FILE_BYTES_MAX}`,
      );
    }
  }
  return value as Record<string, string>;
}

function checkResolutions(value: unknown, files: Record<string, string>): Record<string, Record<string, string>> {
  if (!isRecord(value)) throw invalid("resolutions must be a map of file to (request to file)");
  for (const [from, inner] of Object.entries(value)) {
    if (!Object.hasOwn(files, from) || !isCodePath(from)) throw invalid(`resolutions name ${from}, not a code file`);
    if (!isRecord(inner)) throw invalid(`resolutions of ${from} must be a map of request to file`);
    for (const [request, target] of Object.entries(inner)) {
      if (request.length === 0 || request.length > CHAINCODE_REQUEST_CHARS_MAX) {
        throw invalid(`a request of ${from} is empty or longer than ${CHAINCODE_REQUEST_CHARS_MAX} characters`);
      }
      if (typeof target !== "string" || !Object.hasOwn(files, target)) {
        throw invalid(`require("${request}") in ${from} resolves to a file that is not in the bundle`);
      }
    }
  }
  return value as Record<string, Record<string, string>>;
}

/**
 * Decodes and checks bundle bytes: size (`CHAINCODE_BUNDLE_BYTES_MAX`),
 * canonical CBOR, format tag, names, normalised paths with allowed
 * extensions, file sizes, a code file as main, and a resolution map that
 * only points at bundled files. Every problem is a coded error.
 */
export function decodeBundle(bytes: Uint8Array): ChaincodeBundle {
  if (bytes.length > CHAINCODE_BUNDLE_BYTES_MAX) {
    throw new CityChainError(
      { code: ErrorCode.CHAINCODE_TOO_LARGE },
      `chaincode bundle is ${bytes.length} bytes, over the limit of ${CHAINCODE_BUNDLE_BYTES_MAX}`,
    );
  }
  let value: unknown;
  try {
    value = decode(bytes, CHAINCODE_BUNDLE_BYTES_MAX);
  } catch (e) {
    throw invalid(`is not canonical CBOR: ${isCityChainError(e) ? e.message : String(e)}`);
  }
  if (!isRecord(value)) throw invalid("is not a map");
  const keys = Object.keys(value).sort().join(",");
  if (keys !== "files,format,main,name,resolutions,version") {
    throw invalid(`has the fields [${keys}], expected files, format, main, name, resolutions, version`);
  }
  if (value.format !== CHAINCODE_BUNDLE_FORMAT) {
    throw invalid(`format is ${JSON.stringify(value.format)}, this node reads ${CHAINCODE_BUNDLE_FORMAT}`);
  }
  const name = checkName(value.name, "name");
  const version = checkName(value.version, "version");
  const files = checkFiles(value.files);
  const main = value.main;
  if (typeof main !== "string" || !Object.hasOwn(files, main) || !isCodePath(main)) {
    throw invalid(`main ${JSON.stringify(main)} is not a .js or .cjs file of the bundle`);
  }
  const resolutions = checkResolutions(value.resolutions, files);
  return { format: CHAINCODE_BUNDLE_FORMAT, name, version, main, files, resolutions };
}
