import type { ChaincodeStub } from "../stub/stub.ts";

/** The answer of a shim chaincode's `Init` or `Invoke`. */
export interface ChaincodeResponse {
  status: number;
  message?: string;
  payload?: Uint8Array;
}

/** A low-level chaincode: Fabric's `ChaincodeInterface`, as passed to `shim.start`. */
export interface ShimChaincode {
  Init(stub: ChaincodeStub): Promise<ChaincodeResponse> | ChaincodeResponse;
  Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse> | ChaincodeResponse;
}

/** A base class for shim chaincode (Fabric's `ChaincodeInterface` class): both methods do nothing. */
export class ChaincodeInterface {
  /** Called for the `init` function (see `dispatch`). */
  async Init(_stub: ChaincodeStub): Promise<ChaincodeResponse | undefined> {
    return undefined;
  }

  /** Called for every other function. */
  async Invoke(_stub: ChaincodeStub): Promise<ChaincodeResponse | undefined> {
    return undefined;
  }
}
