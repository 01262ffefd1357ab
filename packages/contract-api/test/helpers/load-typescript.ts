/**
 * Loads TypeScript contract sources the way a Fabric developer's build
 * would: compiled by TypeScript itself with the repository's compiler
 * options (`experimentalDecorators`, `emitDecoratorMetadata`) to CommonJS,
 * then evaluated with a small `require` that maps the API's import path to
 * the module under test and loads sibling files the same way.
 */

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runInThisContext } from "node:vm";
import ts from "typescript";

const REPO_TSCONFIG = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../tsconfig.json");

/** The repository's compiler options, switched to emitting CommonJS. */
export function repoCompilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(REPO_TSCONFIG, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(REPO_TSCONFIG));
  return {
    ...parsed.options,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    verbatimModuleSyntax: false,
    noEmit: false,
  };
}

/** JavaScript TypeScript emits for `source`. */
export function compileTypeScript(source: string, fileName: string): string {
  return ts.transpileModule(source, { compilerOptions: repoCompilerOptions(), fileName }).outputText;
}

/**
 * Loads `file` and its relative imports; `aliases` maps import specifiers
 * (such as the API's path) to already-loaded modules.
 */
export function loadTypeScriptModule(file: string, aliases: Record<string, unknown>): Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  const load = (path: string): Record<string, unknown> => {
    const cached = cache.get(path);
    if (cached) return cached;
    const module = { exports: {} as Record<string, unknown> };
    cache.set(path, module.exports);
    const code = compileTypeScript(readFileSync(path, "utf8"), path);
    const wrapper = runInThisContext(`(function (exports, require, module) {${code}\n})`, { filename: path });
    const localRequire = (specifier: string) => {
      if (Object.hasOwn(aliases, specifier)) return aliases[specifier];
      if (specifier.startsWith(".")) return load(resolve(dirname(path), specifier));
      throw new Error(`unexpected import ${specifier} in ${path}`);
    };
    wrapper(module.exports, localRequire, module);
    cache.set(path, module.exports);
    return module.exports;
  };
  return load(file);
}
