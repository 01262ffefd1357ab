/**
 * The entry point the runtime calls for each invocation of a deployed
 * chaincode module, and the metadata it publishes.
 *
 * A module is contract-API chaincode when it exports a `contracts` array (or
 * is itself a contract class, Fabric's single-contract form), and shim
 * chaincode when it is an object with `Init` and `Invoke`, or when it called
 * `shim.start(...)` while loading.
 */

import { dispatchContracts } from "./chaincode/contract-dispatch.ts";
import { loadContracts } from "./chaincode/load.ts";
import { buildMetadata, type ChaincodeInfo, type ChaincodeMetadata, emptyMetadata } from "./chaincode/metadata.ts";
import { failureResult } from "./chaincode/results.ts";
import { dispatchShim } from "./chaincode/shim-dispatch.ts";
import { Contract, type ContractClass } from "./contract/contract.ts";
import { ContractApiError, ContractErrorCode } from "./errors.ts";
import type { ContractHost, DispatchResult } from "./host.ts";
import { bindLogSink } from "./logger.ts";
import type { ShimChaincode } from "./shim/chaincode-interface.ts";
import { startedChaincode } from "./shim/shim.ts";

/** What a chaincode module exports. */
export type ChaincodeModule = { contracts?: ContractClass[] } | ShimChaincode | ContractClass;

/** Options of an invocation: the chaincode's title and version, shown by `GetMetadata`. */
export type DispatchOptions = ChaincodeInfo;

type Resolved = { kind: "contracts"; classes: ContractClass[] } | { kind: "shim"; chaincode: ShimChaincode };

/**
 * Runs one invocation: `host.args[0]` names the function (`Contract:fn`,
 * `fn` for the default contract, or `org.hyperledger.fabric:GetMetadata`),
 * the rest are its arguments. Never throws: failures come back as status 500
 * with the error's message and, when it has one, its code.
 */
export async function dispatch(
  chaincode: ChaincodeModule,
  host: ContractHost,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const unbind = bindLogSink(host);
  try {
    const resolved = resolveChaincode(chaincode);
    if (resolved.kind === "shim") return await dispatchShim(resolved.chaincode, host);
    return await dispatchContracts(resolved.classes, host, options);
  } catch (error) {
    return failureResult(error);
  } finally {
    unbind();
  }
}

/** The metadata `GetMetadata` would return (empty `contracts` for shim chaincode). */
export function describeChaincode(chaincode: ChaincodeModule, options: DispatchOptions = {}): ChaincodeMetadata {
  const resolved = resolveChaincode(chaincode);
  if (resolved.kind === "shim") return emptyMetadata(options);
  return buildMetadata(loadContracts(resolved.classes), options);
}

function resolveChaincode(chaincode: ChaincodeModule): Resolved {
  const exported = chaincode as { contracts?: unknown; Init?: unknown; Invoke?: unknown } | null | undefined;
  if (exported && Array.isArray(exported.contracts)) return { kind: "contracts", classes: exported.contracts };
  if (exported && typeof exported.Init === "function" && typeof exported.Invoke === "function") {
    return { kind: "shim", chaincode: exported as ShimChaincode };
  }
  const started = startedChaincode();
  if (started) return { kind: "shim", chaincode: started };
  if (typeof chaincode === "function" && chaincode.prototype instanceof Contract) {
    return { kind: "contracts", classes: [chaincode as ContractClass] };
  }
  throw new ContractApiError(
    ContractErrorCode.CONTRACT_CHAINCODE_INVALID,
    "the chaincode module exports no contracts array, contract class or Init/Invoke object, and did not call shim.start",
  );
}
