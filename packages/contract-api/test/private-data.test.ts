import { describe, expect, it } from "vitest";
import { KeyEndorsementPolicy } from "../src/shim/key-endorsement-policy.ts";
import { ChaincodeStub } from "../src/stub/stub.ts";
import { createMemoryHost, text, utf8 } from "./helpers/memory-host.ts";

async function keysOf(iterable: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const kv of iterable) keys.push(kv.key);
  return keys;
}

describe("private data", () => {
  it("puts, gets, hashes, deletes and purges values of a collection", async () => {
    const host = createMemoryHost();
    const stub = new ChaincodeStub(host);
    await stub.putPrivateData("patients", "p1", Buffer.from('{"name":"Ann"}'));
    expect((await stub.getPrivateData("patients", "p1")).toString()).toBe('{"name":"Ann"}');
    expect((await stub.getPrivateData("patients", "p2")).length).toBe(0);
    expect([...(await stub.getPrivateDataHash("patients", "p1"))]).toEqual([0xaa, 14]);
    expect((await stub.getPrivateDataHash("patients", "p2")).length).toBe(0);
    await stub.deletePrivateData("patients", "p1");
    expect(host.collections.get("patients")!.has("p1")).toBe(false);
    await stub.putPrivateData("patients", "p3", "x");
    await stub.purgePrivateData("patients", "p3");
    expect(host.purged).toEqual(["patients/p3"]);
  });

  it("checks arguments with the shim's messages", async () => {
    const stub = new ChaincodeStub(createMemoryHost());
    await expect(stub.getPrivateData("", "k")).rejects.toThrow("collection must be a valid string");
    await expect(stub.getPrivateData("c", "")).rejects.toThrow("key must be a valid string");
    await expect(stub.putPrivateData("c", "k", undefined as unknown as string)).rejects.toThrow("value must be valid");
    await expect(stub.purgePrivateData("c", 7 as unknown as string)).rejects.toMatchObject({
      code: "CONTRACT_KEY_INVALID",
    });
  });

  it("queries a collection by range, partial composite key and Mango selector", async () => {
    const host = createMemoryHost();
    const stub = new ChaincodeStub(host);
    for (const [id, ward] of [
      ["p1", "north"],
      ["p2", "south"],
      ["p3", "north"],
    ]) {
      await stub.putPrivateData("patients", id, JSON.stringify({ ward }));
      await stub.putPrivateData("patients", stub.createCompositeKey("ward~id", [ward, id]), "\u0000");
    }
    await stub.putState("p9", JSON.stringify({ ward: "north" }));
    expect(await keysOf(stub.getPrivateDataByRange("patients", "", ""))).toEqual(["p1", "p2", "p3"]);
    expect(await keysOf(stub.getPrivateDataByRange("patients", "p2", ""))).toEqual(["p2", "p3"]);
    const byWard = await keysOf(stub.getPrivateDataByPartialCompositeKey("patients", "ward~id", ["north"]));
    expect(byWard.map((key) => stub.splitCompositeKey(key).attributes[1])).toEqual(["p1", "p3"]);
    const query = JSON.stringify({ selector: { ward: "north" } });
    expect(await keysOf(stub.getPrivateDataQueryResult("patients", query))).toEqual(["p1", "p3"]);
    expect(await keysOf(stub.getQueryResult(query))).toEqual(["p9"]);
    await expect(
      (stub.getPrivateDataByRange as unknown as (collection: string, start: string) => Promise<unknown>)(
        "patients",
        "",
      ),
    ).rejects.toThrow("getPrivateDataByRange requires three arguments");
  });

  it("sets and reads key-level endorsement policies for private and public keys", async () => {
    const host = createMemoryHost();
    const stub = new ChaincodeStub(host);
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs("MEMBER", "Org1MSP");
    await stub.setPrivateDataValidationParameter("patients", "p1", policy.getPolicy());
    expect(new KeyEndorsementPolicy(await stub.getPrivateDataValidationParameter("patients", "p1")).listOrgs()).toEqual(
      ["Org1MSP"],
    );
    expect(await stub.getStateValidationParameter("p1")).toBeUndefined();
    await stub.setStateValidationParameter("p1", policy.getPolicy());
    expect(host.policies.has("/p1")).toBe(true);
  });
});

describe("KeyEndorsementPolicy", () => {
  it("adds, lists and removes organisations and encodes them as documented JSON", () => {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs("MEMBER", "Org1MSP", "Org2MSP");
    policy.addOrgs("PEER", "Org3MSP");
    policy.delOrgs("Org2MSP");
    expect(policy.listOrgs()).toEqual(["Org1MSP", "Org3MSP"]);
    expect(text(policy.getPolicy())).toBe(
      '{"type":"signedBy-all-of-orgs","orgs":[{"mspId":"Org1MSP","role":"MEMBER"},{"mspId":"Org3MSP","role":"PEER"}]}',
    );
  });

  it("round-trips through its bytes and rejects unknown roles and foreign bytes", () => {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs("PEER", "Org2MSP");
    const decoded = new KeyEndorsementPolicy(policy.getPolicy());
    expect(decoded.listOrgs()).toEqual(["Org2MSP"]);
    expect(text(decoded.getPolicy())).toBe(text(policy.getPolicy()));
    expect(new KeyEndorsementPolicy(new Uint8Array(0)).listOrgs()).toEqual([]);
    expect(() => policy.addOrgs("ADMIN", "Org1MSP")).toThrow("role type ADMIN does not exist");
    expect(() => new KeyEndorsementPolicy(utf8("\n\u0007Org1MSP"))).toThrow("not a CityChain key endorsement policy");
    expect(() => new KeyEndorsementPolicy(utf8('{"type":"signedBy-all-of-orgs","orgs":[{"mspId":1}]}'))).toThrow(
      "not a CityChain key endorsement policy",
    );
  });
});
