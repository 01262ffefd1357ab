/**
 * One invocation of contract-API chaincode (Fabric's
 * `ChaincodeFromContract.invokeFunctionality`): route the function name,
 * build the context, convert the arguments by metadata, run
 * `beforeTransaction`, the function (through `aroundTransaction`) and
 * `afterTransaction`, and serialize the result.
 */

import { registry } from "../annotations/registry.ts";
import type { TypeSchema } from "../annotations/schema.ts";
import { missingParamTypes } from "../annotations/transactions.ts";
import type { Context } from "../contract/context.ts";
import type { ContractClass } from "../contract/contract.ts";
import { ContractApiError, ContractErrorCode } from "../errors.ts";
import type { ContractHost, DispatchResult } from "../host.ts";
import { getLogger, setLogLevel } from "../logger.ts";
import { JSONSerializer } from "../serializer/json-serializer.ts";
import { marshalParameters } from "../serializer/marshal-parameters.ts";
import { ClientIdentity } from "../shim/client-identity.ts";
import { ChaincodeStub } from "../stub/stub.ts";
import { type LoadedContract, loadContracts } from "./load.ts";
import { buildMetadata, type ChaincodeInfo } from "./metadata.ts";
import { failureResult, successResult } from "./results.ts";
import { splitFunctionName } from "./route.ts";

const MISSING_TYPES_HINT =
  " (the contract was compiled without decorator metadata: compile it with TypeScript's emitDecoratorMetadata;" +
  " esbuild does not emit it)";

/** Runs the function `host.args[0]` names. */
export async function dispatchContracts(
  classes: readonly ContractClass[],
  host: ContractHost,
  info: ChaincodeInfo,
): Promise<DispatchResult> {
  if (host.args.length < 1) return successResult(Buffer.from("Default initiator successful."));
  try {
    const loaded = loadContracts(classes);
    const { contractName, fn } = splitFunctionName(host.args[0], loaded.defaultName);
    const contract = contractName === undefined ? undefined : loaded.contracts.get(contractName);
    if (!contract) {
      throw new ContractApiError(
        ContractErrorCode.CONTRACT_FUNCTION_UNKNOWN,
        `Contract name is not known: ${contractName}`,
      );
    }
    if (contract.instance === loaded.system) loaded.system._setMetadata(buildMetadata(loaded, info));
    const ctx = createContext(contract, new ChaincodeStub(host));
    const transaction = contract.transactions.find((candidate) => candidate.name === fn);
    if (!transaction) return await runUnknownTransaction(contract, ctx);
    const serializer = new JSONSerializer();
    const hint = hasMissingTypes(contract.instance, fn) ? MISSING_TYPES_HINT : "";
    const components = registry.objects as unknown as Record<string, TypeSchema>;
    const parameters = marshalParameters(transaction, host.args.slice(1), serializer, components, hint);
    await contract.instance.beforeTransaction(ctx);
    const result = await contract.instance.aroundTransaction(ctx, fn, parameters);
    await contract.instance.afterTransaction(ctx, result);
    return successResult(serializer.toBuffer(result));
  } catch (error) {
    return failureResult(error);
  }
}

// An unknown function is Fabric's `unknownTransaction`: it throws by default, and may be overridden to succeed.
async function runUnknownTransaction(contract: LoadedContract, ctx: Context): Promise<DispatchResult> {
  try {
    await contract.instance.unknownTransaction(ctx);
    return successResult(undefined);
  } catch (error) {
    return failureResult(error, ContractErrorCode.CONTRACT_FUNCTION_UNKNOWN);
  }
}

function createContext(contract: LoadedContract, stub: ChaincodeStub): Context {
  const ctx = contract.instance.createContext();
  ctx.setChaincodeStub(stub);
  ctx.setClientIdentity(new ClientIdentity(stub));
  ctx.logging = {
    setLevel: setLogLevel,
    getLogger: (name?: string) => getLogger(name ? `${contract.name}:${name}` : contract.name),
  };
  return ctx;
}

function hasMissingTypes(instance: object, fn: string): boolean {
  for (let proto = Object.getPrototypeOf(instance); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (missingParamTypes.get(proto)?.has(fn)) return true;
  }
  return false;
}
