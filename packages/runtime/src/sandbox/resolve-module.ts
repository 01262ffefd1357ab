/**
 * Node's CommonJS resolution, run once when a chaincode is packaged: relative
 * files (exact name, `.js`, `.json`, a directory's `package.json` `main` or
 * `index.js`/`index.json`), and packages in `node_modules` directories from
 * the requiring file's directory up to the file system root (as Node does, so
 * packages that npm workspaces hoisted above the project are found), entered
 * through `exports["."]` (its `require`, `node` or `default` condition) or
 * `main`. Outside the project only files inside a `node_modules` directory
 * may be bundled.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { type ProvidedModule, providedModuleOf } from "./provided-modules.ts";

export type Resolution =
  | { kind: "file"; file: string }
  | { kind: "provided"; name: ProvidedModule }
  | { kind: "builtin" }
  | { kind: "missing"; reason: string };

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readManifest(dir: string): Record<string, unknown> | undefined {
  const path = join(dir, "package.json");
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function asFile(path: string): string | undefined {
  for (const candidate of [path, `${path}.js`, `${path}.json`]) if (isFile(candidate)) return candidate;
  return undefined;
}

function asIndex(dir: string): string | undefined {
  for (const name of ["index.js", "index.json"]) if (isFile(join(dir, name))) return join(dir, name);
  return undefined;
}

function asDirectory(dir: string): string | undefined {
  const main = readManifest(dir)?.main;
  if (typeof main === "string" && main !== "") {
    const target = resolve(dir, main);
    const found = asFile(target) ?? asIndex(target);
    if (found) return found;
  }
  return asIndex(dir);
}

/** A file or directory path as Node loads it. */
export function resolvePath(path: string): string | undefined {
  return asFile(path) ?? (isDirectory(path) ? asDirectory(path) : undefined);
}

const CONDITIONS = ["require", "node", "default"];

function pickCondition(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const picked = pickCondition(item);
      if (picked) return picked;
    }
    return undefined;
  }
  if (typeof target === "object" && target !== null) {
    for (const condition of CONDITIONS) {
      if (Object.hasOwn(target, condition)) {
        const picked = pickCondition((target as Record<string, unknown>)[condition]);
        if (picked) return picked;
      }
    }
  }
  return undefined;
}

/** The target of `exports` for a subpath ("." for the package itself), if the map names it. */
function exportsTarget(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  const isSubpathMap =
    typeof exports === "object" && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith("."));
  if (!isSubpathMap) return subpath === "." ? pickCondition(exports) : undefined;
  const entry = (exports as Record<string, unknown>)[subpath];
  return entry === undefined ? undefined : pickCondition(entry);
}

function packageEntry(packageDir: string, subpath: string): string | undefined {
  const manifest = readManifest(packageDir);
  const target = exportsTarget(manifest?.exports, subpath === "" ? "." : `./${subpath}`);
  if (target !== undefined) {
    const file = resolve(packageDir, target);
    return isFile(file) ? file : undefined;
  }
  return subpath === "" ? asDirectory(packageDir) : resolvePath(join(packageDir, subpath));
}

function splitPackageRequest(request: string): { name: string; subpath: string } | undefined {
  const parts = request.split("/");
  const length = request.startsWith("@") ? 2 : 1;
  if (parts.length < length || parts.slice(0, length).some((p) => p === "" || p === "." || p === "..")) {
    return undefined;
  }
  return { name: parts.slice(0, length).join("/"), subpath: parts.slice(length).join("/") };
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** How `require(request)` in `fromFile` resolves inside the project at `root` (absolute paths). */
export function resolveRequest(request: string, fromFile: string, root: string): Resolution {
  const provided = providedModuleOf(request);
  if (provided) return { kind: "provided", name: provided };
  if (isBuiltin(request)) return { kind: "builtin" };
  let file: string | undefined;
  if (request === "." || request === ".." || request.startsWith("./") || request.startsWith("../")) {
    file = resolvePath(resolve(dirname(fromFile), request));
  } else if (request.startsWith("/")) {
    return { kind: "missing", reason: "absolute paths cannot be bundled" };
  } else {
    const parsed = splitPackageRequest(request);
    if (!parsed) return { kind: "missing", reason: "it is not a valid package name" };
    for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", parsed.name);
      if (isDirectory(candidate)) {
        file = packageEntry(candidate, parsed.subpath);
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  if (file === undefined) return { kind: "missing", reason: "no such file or package inside the project" };
  if (!inside(root, file) && !file.includes(`${sep}node_modules${sep}`)) {
    return { kind: "missing", reason: `it resolves to ${file}, outside the project` };
  }
  return { kind: "file", file };
}
