import "reflect-metadata";
import type { Context } from "../contract/context.ts";
import { parameterNames } from "./param-names.ts";
import { generateSchema, typeNameOf } from "./schema.ts";
import {
  appendOrUpdate,
  missingParamTypes,
  type ParameterDescriptor,
  setTransactions,
  transactionsOf,
} from "./transactions.ts";

/** A method decorator as TypeScript's `experimentalDecorators` calls it. */
export type MethodDecoratorFn = (target: object, propertyKey: string | symbol) => void;

interface ContractPrototype {
  createContext(): Context;
  [member: string]: unknown;
}

/**
 * Marks a method as a transaction function. `commit` false tags it
 * `EVALUATE` (a query), otherwise `SUBMIT`. Parameter types come from the
 * `design:paramtypes` metadata TypeScript emits (`emitDecoratorMetadata`);
 * parameters of the context type are left out; names are read from the
 * method's source.
 */
export function Transaction(commit = true): MethodDecoratorFn {
  return (target, propertyKey) => {
    const key = String(propertyKey);
    const prototype = target as ContractPrototype;
    const transactions = transactionsOf(target);
    const existing = transactions.find((transaction) => transaction.name === key);
    const names = parameterNames(prototype[key]);
    const contextType = prototype.createContext().constructor;
    const declaredTypes = Reflect.getMetadata("design:paramtypes", target, propertyKey) as unknown[] | undefined;
    if (declaredTypes === undefined && names.length > 1) noteMissingParamTypes(target, key);

    let removed = 0;
    const parameters: ParameterDescriptor[] = (declaredTypes ?? [])
      .filter((paramType, index) => {
        if (paramType !== contextType) return true;
        names.splice(index - removed++, 1);
        return false;
      })
      .map((paramType, index) => {
        const name = names[index];
        const type = typeNameOf(paramType);
        if (type === "Object") {
          throw new Error(`Type not properly specified for parameter ${name}, can not process pure Object types`);
        }
        return { name, description: "", schema: generateSchema(type) };
      });

    // Parameters declared with @Param (which runs first, being written below) win.
    for (const declared of existing?.parameters ?? []) {
      const index = parameters.findIndex((parameter) => parameter.name === declared.name);
      if (index >= 0) parameters[index] = declared;
    }

    const tag = commit ? ["SUBMIT", "submitTx"] : ["EVALUATE"];
    appendOrUpdate(transactions, key, { tag, parameters });
    setTransactions(target, transactions);
  };
}

/** Declares the return type of a transaction function in the metadata. */
export function Returns(returnType: string): MethodDecoratorFn {
  return (target, propertyKey) => {
    const transactions = transactionsOf(target);
    appendOrUpdate(transactions, String(propertyKey), { returns: generateSchema(returnType) });
    setTransactions(target, transactions);
  };
}

/**
 * Declares (or overrides) one parameter's type and description, for types
 * TypeScript's metadata cannot express (`string[]`, `Map<string, number>`).
 */
export function Param(paramName: string, paramType: string, description?: string): MethodDecoratorFn {
  return (target, propertyKey) => {
    const key = String(propertyKey);
    const transactions = transactionsOf(target);
    const transaction = transactions.find((candidate) => candidate.name === key);
    const schema = generateSchema(paramType);
    const paramDescription = description || "";
    if (transaction?.parameters) {
      const param = transaction.parameters.find((candidate) => candidate.name === paramName);
      if (param) {
        param.schema = schema;
        param.description = paramDescription;
      } else {
        transaction.parameters.push({ name: paramName, description: paramDescription, schema });
      }
    } else {
      appendOrUpdate(transactions, key, {
        parameters: [{ name: paramName, description: paramDescription, schema }],
      });
    }
    setTransactions(target, transactions);
  };
}

function noteMissingParamTypes(target: object, key: string): void {
  const names = missingParamTypes.get(target) ?? new Set<string>();
  names.add(key);
  missingParamTypes.set(target, names);
}
