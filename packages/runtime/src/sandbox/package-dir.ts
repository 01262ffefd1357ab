/**
 * The chaincode packager: from a project directory to bundle bytes. It reads
 * `package.json` (`name`, `version`, `main`, default `index.js`), follows
 * string-literal `require()` calls from main, and bundles exactly the files
 * reached, with how each request resolved (see `ChaincodeBundle`). The bytes
 * depend only on the files' contents and relative paths, not on where the
 * project is or the order in which the file system lists it.
 */
import { readFileSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { CityChainError, ErrorCode } from "@citychain/protocol";
import { CHAINCODE_BUNDLE_FORMAT, type ChaincodeBundle, encodeBundle } from "./bundle.ts";
import { bundlePathProblem, isCodePath } from "./bundle-path.ts";
import { findRequires } from "./find-requires.ts";
import { CHAINCODE_FILE_BYTES_MAX, CHAINCODE_FILES_MAX } from "./limits.ts";
import { resolvePath, resolveRequest } from "./resolve-module.ts";

/** A packaged chaincode. */
export interface PackagedChaincode {
  /** Canonical CBOR of the bundle: what is deployed. */
  bytes: Uint8Array;
  /** SHA-256 of `bytes`, hex: the chaincode's identity. */
  hashHex: string;
  name: string;
  version: string;
  /** Bundle path of the entry module. */
  main: string;
  /** Bundle paths of every file, sorted. */
  files: string[];
}

function fail(code: ErrorCode, message: string): never {
  throw new CityChainError({ code }, message);
}

function readManifest(root: string): { name: string; version: string; main: string } {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8"));
  } catch (e) {
    return fail(
      ErrorCode.CHAINCODE_PACKAGE_INVALID,
      `${root} has no readable package.json (${(e as Error).message}); a chaincode project needs one with name and version`,
    );
  }
  const { name, version, main } = manifest;
  if (typeof name !== "string" || name === "" || typeof version !== "string" || version === "") {
    fail(ErrorCode.CHAINCODE_PACKAGE_INVALID, `package.json of ${root} must have a name and a version`);
  }
  if (main !== undefined && typeof main !== "string") {
    fail(ErrorCode.CHAINCODE_PACKAGE_INVALID, `package.json of ${root}: main must be a string`);
  }
  return { name, version, main: main ?? "index.js" };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function readText(file: string, path: string): string {
  const size = statSync(file).size;
  if (size > CHAINCODE_FILE_BYTES_MAX) {
    fail(
      ErrorCode.CHAINCODE_FILE_TOO_LARGE,
      `${path} is ${size} bytes, over the limit of ${CHAINCODE_FILE_BYTES_MAX} for one chaincode file`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(readFileSync(file));
  } catch {
    return fail(ErrorCode.CHAINCODE_SYNTAX_INVALID, `${path} is not UTF-8 text`);
  }
  // Node ignores a byte-order mark at the start of a module; so does the bundle.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Packages the chaincode project in `dir` (see the module comment). Every problem is a coded error. */
export function packageChaincode(dir: string): PackagedChaincode {
  const root = resolve(dir);
  const manifest = readManifest(root);
  const toPath = (file: string): string => {
    let path = relative(root, file).split(sep).join("/");
    // A package hoisted k directories above the project (npm workspaces): node_modules/~up<k>/<package path>.
    const up = /^((?:\.\.\/)+)node_modules\/(.*)$/.exec(path);
    if (up) path = `node_modules/~up${up[1].length / 3}/${up[2]}`;
    const problem = bundlePathProblem(path);
    if (problem) fail(ErrorCode.CHAINCODE_PACKAGE_INVALID, `file ${path} cannot be bundled: its path ${problem}`);
    return path;
  };

  const mainFile = resolvePath(resolve(root, manifest.main));
  if (mainFile === undefined) {
    fail(
      ErrorCode.CHAINCODE_MAIN_NOT_FOUND,
      `main "${manifest.main}" of ${root}/package.json is not a file; build the project first`,
    );
  }
  const main = toPath(mainFile);
  if (!isCodePath(main)) fail(ErrorCode.CHAINCODE_MAIN_NOT_FOUND, `main ${main} must be a .js or .cjs file`);

  const files: Record<string, string> = {};
  const resolutions: Record<string, Record<string, string>> = {};
  const pending: [string, string][] = [[main, mainFile]];
  while (pending.length > 0) {
    const [path, file] = pending.pop() as [string, string];
    if (Object.hasOwn(files, path)) continue;
    if (Object.keys(files).length >= CHAINCODE_FILES_MAX) {
      fail(ErrorCode.CHAINCODE_TOO_LARGE, `the chaincode reaches more than ${CHAINCODE_FILES_MAX} files`);
    }
    files[path] = readText(file, path);
    if (!isCodePath(path)) {
      try {
        JSON.parse(files[path]);
      } catch (e) {
        fail(ErrorCode.CHAINCODE_SYNTAX_INVALID, `${path} is not valid JSON: ${(e as Error).message}`);
      }
      continue;
    }
    for (const { request, optional } of findRequires(files[path], path)) {
      const found = resolveRequest(request, file, root);
      if (found.kind === "provided") continue;
      if (found.kind === "file") {
        const target = toPath(found.file);
        resolutions[path] ??= {};
        resolutions[path][request] = target;
        pending.push([target, found.file]);
      } else if (!optional) {
        // Inside a try block, a library is probing: the sandbox's require throws a coded error at run time.
        if (found.kind === "builtin") {
          fail(
            ErrorCode.CHAINCODE_MODULE_FORBIDDEN,
            `${path} requires "${request}", a Node builtin a contract cannot use (only buffer and util are provided); remove the dependency or guard it with try/catch`,
          );
        }
        fail(
          ErrorCode.CHAINCODE_MODULE_NOT_FOUND,
          `${path} requires "${request}", which cannot be bundled: ${found.reason}; install it in the project's node_modules`,
        );
      }
    }
  }

  const bundle: ChaincodeBundle = {
    format: CHAINCODE_BUNDLE_FORMAT,
    name: manifest.name,
    version: manifest.version,
    main,
    files,
    resolutions,
  };
  const { bytes, hashHex } = encodeBundle(bundle);
  return { bytes, hashHex, name: manifest.name, version: manifest.version, main, files: Object.keys(files).sort() };
}
