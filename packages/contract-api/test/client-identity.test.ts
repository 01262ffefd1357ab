import { describe, expect, it } from "vitest";
import { ClientIdentity } from "../src/shim/client-identity.ts";
import { ChaincodeStub } from "../src/stub/stub.ts";
import { createMemoryHost, TEST_CREATOR } from "./helpers/memory-host.ts";

describe("ClientIdentity", () => {
  const stub = new ChaincodeStub(createMemoryHost({ creator: { attributes: { role: "auditor", empty: "" } } }));
  const identity = new ClientIdentity(stub);

  it("gives the host's Fabric-style id, MSP id and certificate bytes", () => {
    expect(identity.getID()).toBe(TEST_CREATOR.id);
    expect(identity.getID()).toMatch(/^x509::\/C=US\/.*::\/C=US\/.*$/);
    expect(identity.getMSPID()).toBe("Org1MSP");
    expect(Buffer.from(identity.getIDBytes()).toString()).toBe(TEST_CREATOR.certPem);
    expect(identity.mspId).toBe("Org1MSP");
  });

  it("reads attributes, null when absent or empty, never from Object's prototype", () => {
    expect(identity.getAttributeValue("role")).toBe("auditor");
    expect(identity.getAttributeValue("missing")).toBeNull();
    expect(identity.getAttributeValue("empty")).toBeNull();
    expect(identity.getAttributeValue("constructor")).toBeNull();
    expect(identity.assertAttributeValue("role", "auditor")).toBe(true);
    expect(identity.assertAttributeValue("role", "admin")).toBe(false);
    expect(identity.assertAttributeValue("missing", "x")).toBe(false);
  });

  it("works only on stubs of this package", () => {
    expect(() => new ClientIdentity({} as ChaincodeStub)).toThrow("not a ChaincodeStub created by");
  });
});
