import type { ClassDecoratorFn } from "./object.ts";
import { type ContractInfo, registry } from "./registry.ts";

/**
 * Describes a contract class in the metadata (`title`, `description`,
 * `version`, `license`, `contact`...). `name` defaults to the class name and
 * `version` to "", written into the object passed, as Fabric does.
 */
export function Info(info: ContractInfo = {}): ClassDecoratorFn {
  return (target) => {
    if (!info.name) info.name = target.name;
    if (!info.version) info.version = "";
    registry.info[target.name] = { ...info };
  };
}
