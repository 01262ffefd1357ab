/**
 * The code every realm evaluates before the chaincode, built with esbuild on
 * first use and cached for the life of the process: the realm's boot code
 * (`realm/boot.ts`), the `buffer` package, and the contract API
 * (`@citychain/contract-api`, which brings `reflect-metadata`). Each is a
 * CommonJS bundle wrapped so that evaluating it yields its exports. The
 * output depends only on the sources and the esbuild version (paths in it are
 * relative to the repository root), so every node evaluates the same text.
 */
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { CityChainError, ErrorCode } from "@citychain/protocol";
import { buildSync } from "esbuild";
import { SANDBOX_FILE_PREFIX } from "./realm/stack.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(here, "../../../..");
const requireHere = createRequire(import.meta.url);

function bundle(entry: string, what: string): string {
  try {
    const result = buildSync({
      entryPoints: [entry],
      bundle: true,
      format: "cjs",
      platform: "neutral",
      mainFields: ["main", "module"],
      target: "es2022",
      write: false,
      legalComments: "none",
      charset: "utf8",
      absWorkingDir: repositoryRoot,
      logLevel: "silent",
    });
    return result.outputFiles[0].text;
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.SANDBOX_BUILD_FAILED },
      `cannot bundle ${what} for the contract sandbox from ${entry}: ${(e as Error).message}`,
    );
  }
}

/** Wraps CommonJS code so that evaluating it returns `module.exports`. */
export function evaluatesToExports(code: string): string {
  return `(function () { var module = { exports: {} }; var exports = module.exports;\n${code}\n;return module.exports; })()`;
}

const scripts = new Map<string, vm.Script>();

function cachedScript(key: string, name: string, source: () => string): vm.Script {
  let script = scripts.get(key);
  if (script === undefined) {
    script = new vm.Script(evaluatesToExports(source()), { filename: `${SANDBOX_FILE_PREFIX}${name}` });
    scripts.set(key, script);
  }
  return script;
}

/** The realm's boot code; evaluates to `{ bootRealm }`. */
export function bootScript(): vm.Script {
  return cachedScript("boot", "realm/boot.js", () => bundle(join(here, "realm/boot.ts"), "the realm's boot code"));
}

/** The `buffer` package (pure JavaScript); evaluates to its exports. */
export function bufferScript(): vm.Script {
  return cachedScript("buffer", "buffer.js", () => bundle(requireHere.resolve("buffer/"), "the buffer package"));
}

/** The path of the contract API's entry module. */
export const CONTRACT_API_ENTRY = resolve(repositoryRoot, "packages/contract-api/src/index.ts");

/**
 * The contract API; evaluates to `{ dispatch, fabricContractApi, fabricShim }`.
 * `source`, CommonJS text, replaces the real API (tests use small stand-ins).
 */
export function contractApiScript(source?: string): vm.Script {
  if (source !== undefined) return cachedScript(`api:${source}`, "contract-api.js", () => source);
  return cachedScript("api", "contract-api.js", () => bundle(CONTRACT_API_ENTRY, "the contract API"));
}

/** The entry script: starts whatever the host armed (see `realm/jobs.ts`). */
export function entryScript(): vm.Script {
  let script = scripts.get("entry");
  if (script === undefined) {
    script = new vm.Script("__ccRun()", { filename: `${SANDBOX_FILE_PREFIX}entry.js` });
    scripts.set("entry", script);
  }
  return script;
}
