/**
 * Modules the sandbox provides by name instead of bundling: the Fabric API
 * (CityChain's implementation, `@citychain/contract-api`), a pure-JS
 * `buffer`, a small deterministic `util`, and `reflect-metadata` (already
 * installed by the API, so requiring it is a no-op). Shared by the packager,
 * which leaves them out of bundles, and the realm's loader, which answers them.
 */
export const PROVIDED_MODULES = ["fabric-contract-api", "fabric-shim", "buffer", "util", "reflect-metadata"] as const;
export type ProvidedModule = (typeof PROVIDED_MODULES)[number];

/** The provided module a `require()` request names (`node:buffer` is `buffer`), if any. */
export function providedModuleOf(request: string): ProvidedModule | undefined {
  const name = request === "node:buffer" || request === "node:util" ? request.slice("node:".length) : request;
  return (PROVIDED_MODULES as readonly string[]).includes(name) ? (name as ProvidedModule) : undefined;
}
