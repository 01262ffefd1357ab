/**
 * One invocation of shim-style chaincode (`Init`/`Invoke`). CityChain
 * transactions carry no "init" flag, so the function name decides: `init`
 * (any case) calls `Init`, anything else `Invoke`; both get the same stub.
 * The answer must be Fabric's `{status, message, payload}`; a status of 400
 * or more is a failure (Fabric's error threshold) and is reported as 500.
 */

import { copyBytes, isByteView } from "../bytes.ts";
import { ContractApiError, ContractErrorCode } from "../errors.ts";
import type { ContractHost, DispatchResult } from "../host.ts";
import type { ChaincodeResponse, ShimChaincode } from "../shim/chaincode-interface.ts";
import { ChaincodeStub, RESPONSE_CODE } from "../stub/stub.ts";
import { failureResult } from "./results.ts";

/** Runs `Init` or `Invoke` of `chaincode` and converts its response. */
export async function dispatchShim(chaincode: ShimChaincode, host: ContractHost): Promise<DispatchResult> {
  const stub = new ChaincodeStub(host);
  const method = (host.args[0] ?? "").toLowerCase() === "init" ? "Init" : "Invoke";
  let response: ChaincodeResponse | undefined;
  try {
    response = await (method === "Init" ? chaincode.Init(stub) : chaincode.Invoke(stub));
  } catch (error) {
    return failureResult(error);
  }
  if (!response?.status) {
    const prefix = `[${host.channelId}-${host.txId.substring(0, 8)}]`;
    const message = `${prefix} Calling chaincode ${method}() has not called success or error.`;
    return failureResult(new ContractApiError(ContractErrorCode.CONTRACT_CHAINCODE_INVALID, message));
  }
  const payload = payloadBytes(response.payload);
  const message = typeof response.message === "string" ? response.message : "";
  const failed = !(Number(response.status) < RESPONSE_CODE.ERRORTHRESHOLD);
  return { status: failed ? RESPONSE_CODE.ERROR : RESPONSE_CODE.OK, message, payload };
}

function payloadBytes(payload: unknown): Uint8Array {
  if (isByteView(payload)) return copyBytes(payload);
  if (typeof payload === "string") return Buffer.from(payload, "utf8");
  return Buffer.alloc(0);
}
