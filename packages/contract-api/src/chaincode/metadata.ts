/**
 * The metadata `org.hyperledger.fabric:GetMetadata` returns, in Fabric's
 * shape and key order: `$schema`, `contracts` (each with `name`, the JSON of
 * its instance without `_` fields, `transactions` and `info`), `info`
 * (`version`, `title`) and `components.schemas` (every `@Object` class).
 */

import type { ContractInfo } from "../annotations/registry.ts";
import { registry } from "../annotations/registry.ts";
import type { TransactionDescriptor } from "../annotations/transactions.ts";
import type { LoadedChaincode } from "./load.ts";

/** The schema URL Fabric puts in the metadata. */
export const METADATA_SCHEMA_URL = "https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json";

/** One contract in the metadata. */
export interface ContractMetadata {
  name: string;
  contractInstance: Record<string, unknown>;
  transactions: TransactionDescriptor[];
  info: ContractInfo;
}

/** The chaincode's metadata, JSON-safe. */
export interface ChaincodeMetadata {
  $schema: string;
  contracts: Record<string, ContractMetadata>;
  info: { version: string; title: string };
  components: { schemas: Record<string, unknown> };
}

/** Title and version of the chaincode (Fabric takes them from package.json). */
export interface ChaincodeInfo {
  title?: string;
  version?: string;
}

/** The metadata of loaded contracts, as plain JSON data. */
export function buildMetadata(loaded: LoadedChaincode, info: ChaincodeInfo): ChaincodeMetadata {
  const contracts: Record<string, ContractMetadata> = {};
  for (const contract of loaded.contracts.values()) {
    contracts[contract.name] = {
      name: contract.name,
      contractInstance: instanceJson(contract.instance),
      transactions: contract.transactions,
      info: infoOf(contract.instance.constructor.name),
    };
  }
  const metadata: ChaincodeMetadata = {
    $schema: METADATA_SCHEMA_URL,
    contracts,
    info: { version: info.version ?? "", title: info.title ?? "" },
    components: { schemas: registry.objects },
  };
  // A JSON copy, as Fabric hands the system contract: drops constructors and shares nothing.
  return JSON.parse(JSON.stringify(metadata)) as ChaincodeMetadata;
}

/** Metadata of a chaincode with no contracts (shim chaincode). */
export function emptyMetadata(info: ChaincodeInfo): ChaincodeMetadata {
  return {
    $schema: METADATA_SCHEMA_URL,
    contracts: {},
    info: { version: info.version ?? "", title: info.title ?? "" },
    components: { schemas: {} },
  };
}

function infoOf(className: string): ContractInfo {
  return Object.hasOwn(registry.info, className) ? registry.info[className] : { title: "", version: "" };
}

function instanceJson(instance: object): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
  for (const key of Object.keys(json)) {
    if (key.startsWith("_")) delete json[key];
  }
  return json;
}
