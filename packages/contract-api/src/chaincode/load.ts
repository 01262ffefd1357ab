/**
 * Instantiation of a chaincode's contract classes, once per invocation so no
 * state survives between transactions: each class is constructed, named,
 * and its transaction functions listed, as Fabric's `ChaincodeFromContract`
 * does at start-up. The system contract comes last.
 */

import { registry } from "../annotations/registry.ts";
import { type TransactionDescriptor, transactionsOf } from "../annotations/transactions.ts";
import { Contract, type ContractClass } from "../contract/contract.ts";
import { SYSTEM_CONTRACT_NAME, SystemContract } from "./system-contract.ts";

/** One instantiated contract. */
export interface LoadedContract {
  name: string;
  instance: Contract;
  transactions: TransactionDescriptor[];
}

/** The contracts of one invocation, by name in export order, and the default contract's name. */
export interface LoadedChaincode {
  contracts: Map<string, LoadedContract>;
  defaultName: string | undefined;
  system: SystemContract;
}

/** Instantiates `classes` and the system contract. */
export function loadContracts(classes: readonly ContractClass[]): LoadedChaincode {
  const contracts = new Map<string, LoadedContract>();
  let defaultName = registry.defaultContractName;
  const system = new SystemContract();
  const skipNames = Object.getOwnPropertyNames(Contract.prototype);
  for (const contractClass of [...classes, SystemContract]) {
    const instance = contractClass === SystemContract ? system : new contractClass();
    if (!Contract._isContract(instance)) throw new Error(`invalid contract instance ${JSON.stringify(instance)}`);
    const name = instance.getName();
    if (defaultName === undefined) {
      defaultName = name;
      markDefault(instance);
    } else if (defaultName === name) {
      markDefault(instance);
    }
    contracts.set(name, { name, instance, transactions: transactionsFor(instance, skipNames) });
  }
  return { contracts, defaultName, system };
}

// Fabric marks the instance itself, which shows as `default: true` in the metadata's contractInstance.
function markDefault(instance: Contract): void {
  (instance as Contract & { default?: boolean }).default = true;
}

/**
 * The decorated transactions of a contract, or, when none is decorated,
 * every own method of its class except the constructor, `_`-prefixed names
 * and `Contract`'s own methods; those take every argument as a string.
 */
function transactionsFor(contract: Contract, skipNames: string[]): TransactionDescriptor[] {
  const declared = transactionsOf(contract);
  if (declared.length > 0) return declared;
  const transactions: TransactionDescriptor[] = [];
  const members = contract as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(contract))) {
    const member = members[name];
    if (typeof member !== "function" || name === "constructor" || name.startsWith("_") || skipNames.includes(name)) {
      continue;
    }
    const transaction: TransactionDescriptor = { name };
    if (contract.getName() !== SYSTEM_CONTRACT_NAME) transaction.tags = ["SUBMIT", "submitTx"];
    // The first parameter is the context; the rest become argN strings.
    if (member.length > 1) {
      transaction.parameters = Array.from({ length: member.length - 1 }, (_, index) => ({
        name: `arg${index}`,
        description: `Argument ${index}`,
        schema: { type: "string" },
      }));
    }
    transactions.push(transaction);
  }
  return transactions;
}
