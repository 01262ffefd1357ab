import { describeChaincode } from "@citychain/contract-api";
import { describe, expect, it } from "vitest";
import { contracts, supplyChainChaincode } from "../../src/contracts/index.ts";

describe("the chaincode module", () => {
  it("exposes exactly the documented transactions, with no decorator metadata needed", () => {
    const metadata = describeChaincode(supplyChainChaincode, { title: "smart-city", version: "0.1.0" });
    const functions = Object.fromEntries(
      Object.entries(metadata.contracts)
        .filter(([name]) => name !== "org.hyperledger.fabric")
        .map(([name, contract]) => [name, contract.transactions.map((t) => t.name).sort()]),
    );
    expect(functions).toEqual({
      Products: ["Get", "RegisterBatch", "RegisterItem", "RegisterItems", "RegisterParty", "Resolve"],
      Epcis: ["Capture", "ConfidentialEvent", "KeepConfidential", "Query", "Trace"],
      Recall: ["RecallBatch"],
      Devices: ["Get", "Register", "Revoke", "RotateKey"],
      Telemetry: ["Anchor", "Get"],
      ColdChain: ["Destroy", "RecordReadings", "Release", "SetProfile", "Status"],
      Verify: ["Drug"],
    });
    expect(contracts).toHaveLength(7);
  });
});
