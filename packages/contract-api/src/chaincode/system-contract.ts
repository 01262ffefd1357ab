import { Contract } from "../contract/contract.ts";
import type { ChaincodeMetadata } from "./metadata.ts";

/** The name of Fabric's system contract, whose `GetMetadata` describes the chaincode. */
export const SYSTEM_CONTRACT_NAME = "org.hyperledger.fabric";

/** Fabric's system contract: `org.hyperledger.fabric:GetMetadata`. */
export class SystemContract extends Contract {
  declare metadata: ChaincodeMetadata | undefined;

  constructor() {
    super(SYSTEM_CONTRACT_NAME);
  }

  /** Sets the metadata `GetMetadata` returns. */
  _setMetadata(metadata: ChaincodeMetadata): void {
    this.metadata = metadata;
  }

  /** The chaincode's metadata: contracts, transactions, info and component schemas. */
  async GetMetadata(): Promise<ChaincodeMetadata | undefined> {
    return this.metadata;
  }
}
