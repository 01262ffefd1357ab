/**
 * The per-class list of transaction descriptors that `@Transaction`,
 * `@Returns` and `@Param` build, stored as `fabric:transactions` metadata on
 * the class prototype exactly as Fabric stores it (so subclasses see their
 * parent's list through the prototype chain, as in Fabric).
 */

import "reflect-metadata";
import type { TypeSchema } from "./schema.ts";

/** One declared parameter of a transaction function. */
export interface ParameterDescriptor {
  name: string;
  description: string;
  schema: TypeSchema;
}

/** One transaction function in the metadata. Key order follows the order decorators ran, as in Fabric. */
export interface TransactionDescriptor {
  name: string;
  tag?: string[];
  tags?: string[];
  parameters?: ParameterDescriptor[];
  returns?: TypeSchema;
}

const TRANSACTIONS_KEY = "fabric:transactions";

/** The descriptors visible from `target` (own or inherited), or a new empty list. */
export function transactionsOf(target: object): TransactionDescriptor[] {
  return (Reflect.getMetadata(TRANSACTIONS_KEY, target) as TransactionDescriptor[] | undefined) ?? [];
}

/** Stores `transactions` as the list of `target`. */
export function setTransactions(target: object, transactions: TransactionDescriptor[]): void {
  Reflect.defineMetadata(TRANSACTIONS_KEY, transactions, target);
}

/** Merges `data` into the descriptor named `name`, or appends it with `name` set last (Fabric's key order). */
export function appendOrUpdate(
  transactions: TransactionDescriptor[],
  name: string,
  data: Omit<TransactionDescriptor, "name">,
): void {
  const existing = transactions.find((transaction) => transaction.name === name);
  if (existing) {
    Object.assign(existing, data);
    return;
  }
  const created = data as TransactionDescriptor;
  created.name = name;
  transactions.push(created);
}

/**
 * Transaction functions whose parameter types were missing (the contract was
 * compiled without `emitDecoratorMetadata`), so the dispatcher can say why
 * their argument count does not match.
 */
export const missingParamTypes = new WeakMap<object, Set<string>>();
