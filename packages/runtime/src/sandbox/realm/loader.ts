/**
 * The realm's CommonJS loader. Resolution was done by the packager: a
 * request is either a module the sandbox provides (by name) or an entry of
 * the bundle's resolution map; there is no file system, no `node_modules`
 * search and no way to load code that is not in the bundle.
 */
import { PROVIDED_MODULES, providedModuleOf } from "../provided-modules.ts";
import { codedError } from "./errors.ts";
import type { Meter } from "./meter.ts";
import type { ChaincodeDefinition, ChaincodeFactory } from "./types.ts";

interface Module {
  id: string;
  filename: string;
  exports: unknown;
  loaded: boolean;
  require: (request: string) => unknown;
}

export interface Loader {
  requireMain(): unknown;
}

const ROOT = "/chaincode/";

export function createLoader(
  definition: ChaincodeDefinition,
  meter: Meter,
  provided: (name: (typeof PROVIDED_MODULES)[number]) => unknown,
  unavailableCode: string,
): Loader {
  const factories = new Map<string, ChaincodeFactory>(definition.code.map(([path, factory]) => [path, factory]));
  const json = new Map<string, string>(definition.json.map(([path, text]) => [path, text]));
  const resolutions = new Map<string, Map<string, string>>();
  for (const [from, request, target] of definition.resolutions) {
    const inner = resolutions.get(from) ?? new Map<string, string>();
    resolutions.set(from, inner);
    inner.set(request, target);
  }
  const cache = new Map<string, Module>();

  function resolve(from: string, request: string): string {
    const target = resolutions.get(from)?.get(request);
    if (target === undefined) {
      throw codedError(
        unavailableCode,
        `module "${request}" is not available to ${from} in the sandbox: a contract can require the files bundled with it (string-literal requires are resolved when it is packaged) and ${PROVIDED_MODULES.join(", ")}; Node's builtins such as fs, net, crypto or process do not exist here`,
      );
    }
    return target;
  }

  function makeRequire(from: string): (request: string) => unknown {
    const require = (request: string): unknown => {
      if (typeof request !== "string") throw new TypeError(`require() needs a string, got ${typeof request}`);
      const name = providedModuleOf(request);
      if (name !== undefined) return provided(name);
      return load(resolve(from, request));
    };
    const resolveRequest = (request: string): string => {
      const name = providedModuleOf(request);
      return name ?? ROOT + resolve(from, String(request));
    };
    Object.defineProperty(require, "resolve", { value: resolveRequest });
    return require;
  }

  function load(path: string): unknown {
    const cached = cache.get(path);
    if (cached) return cached.exports;
    const text = json.get(path);
    if (text !== undefined) {
      const module = newModule(path);
      module.exports = JSON.parse(text);
      module.loaded = true;
      cache.set(path, module);
      return module.exports;
    }
    const factory = factories.get(path);
    if (factory === undefined) throw codedError(unavailableCode, `bundle file ${path} is missing from the realm`);
    const module = newModule(path);
    cache.set(path, module);
    const slash = module.filename.lastIndexOf("/");
    try {
      const body = factory(meter);
      body.call(
        module.exports,
        module.exports,
        module.require,
        module,
        module.filename,
        module.filename.slice(0, slash),
      );
    } catch (e) {
      // As Node does: a module whose top level threw is not cached.
      cache.delete(path);
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  function newModule(path: string): Module {
    return { id: ROOT + path, filename: ROOT + path, exports: {}, loaded: false, require: makeRequire(path) };
  }

  return { requireMain: () => load(definition.main) };
}
