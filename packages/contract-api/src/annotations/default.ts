import type { Contract } from "../contract/contract.ts";
import type { ClassDecoratorFn } from "./object.ts";
import { registry } from "./registry.ts";

/**
 * Makes a contract the default one, whose functions are called without the
 * `Name:` prefix (otherwise the first exported contract is). Only one
 * contract may be the default. The class is instantiated once to learn its
 * name, as in Fabric.
 */
export function Default(): ClassDecoratorFn {
  return (target) => {
    if (registry.defaultContractName !== undefined) throw new Error("A default has already been specified");
    const contract = new (target as unknown as new () => Contract)();
    registry.defaultContractName = contract.getName();
  };
}
