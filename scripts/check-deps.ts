/**
 * Enforces the layer rule of ARCHITECTURE.md: a package imports only the
 * packages listed for it here, never a higher layer. Run in `npm test`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const ALLOWED: Record<string, string[]> = {
  protocol: [],
  "contract-api": [],
  apps: ["protocol", "contract-api"],
  crypto: ["protocol"],
  ledger: ["protocol"],
  consensus: ["protocol"],
  runtime: ["protocol", "crypto", "ledger", "contract-api"],
  node: ["protocol", "crypto", "ledger", "consensus", "runtime", "contract-api", "apps"],
  sdk: ["protocol", "crypto"],
  gateway: ["protocol", "crypto", "sdk"],
  cli: ["protocol", "crypto", "ledger", "consensus", "runtime", "apps", "node", "sdk", "gateway"],
  bench: ["protocol", "crypto", "runtime", "node", "sdk", "cli", "gateway"],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

const root = new URL("..", import.meta.url).pathname;
const problems: string[] = [];
for (const pkg of readdirSync(join(root, "packages"))) {
  const allowed = ALLOWED[pkg];
  if (!allowed) {
    problems.push(
      `packages/${pkg}: not in the layer table of scripts/check-deps.ts; add it there and to ARCHITECTURE.md`,
    );
    continue;
  }
  const manifest = JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8"));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    const m = /^@citychain\/(.+)$/.exec(dep);
    if (m && !allowed.includes(m[1]))
      problems.push(`packages/${pkg}/package.json depends on ${dep}, a layer it may not use`);
  }
  for (const dir of ["src"]) {
    let files: string[] = [];
    try {
      files = sourceFiles(join(root, "packages", pkg, dir));
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/from\s+["']@citychain\/([a-z-]+)["']|import\(\s*["']@citychain\/([a-z-]+)["']/g)) {
        const target = m[1] ?? m[2];
        if (target !== pkg && !allowed.includes(target)) {
          problems.push(`${file.slice(root.length)} imports @citychain/${target}, a layer ${pkg} may not use`);
        }
      }
      if (/from\s+["']\.\.\/\.\.\/\.\.\//.test(text))
        problems.push(`${file.slice(root.length)} reaches into another package by relative path`);
    }
  }
}
if (problems.length > 0) {
  console.error(`dependency rule broken:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("dependency rule holds for every package");
