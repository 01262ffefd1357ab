import { describe, expect, it } from "vitest";
import { parseCollections } from "../../src/private/collections.ts";

describe("collection configs (Fabric's collections_config.json)", () => {
  const orgs = ["org1", "org2", "org3"];

  it("accepts Fabric's form and derives the member organisations", () => {
    const [c] = parseCollections(
      [
        {
          name: "assetCollection",
          policy: "OR('org1.member', 'org2.member')",
          requiredPeerCount: 1,
          maxPeerCount: 3,
          blockToLive: 100,
          memberOnlyRead: true,
          memberOnlyWrite: true,
          endorsementPolicy: { signaturePolicy: "OR('org1.peer')" },
        },
      ],
      orgs,
    );
    expect(c).toEqual({
      name: "assetCollection",
      policy: "OR('org1.member', 'org2.member')",
      memberOrgs: ["org1", "org2"],
      requiredPeerCount: 1,
      maxPeerCount: 3,
      blockToLive: 100,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: "OR('org1.peer')",
    });
  });

  const bad: [string, unknown, RegExp][] = [
    ["not an array", { name: "x" }, /JSON array/],
    ["a collection that is not an object", ["x"], /\[0\]: must be an object/],
    ["an unknown field", [{ name: "c", policy: "OR('org1.member')", colour: 1 }], /'colour' is not a known field/],
    ["a bad name", [{ name: "a b", policy: "OR('org1.member')" }], /'name'/],
    [
      "a name twice",
      [
        { name: "c", policy: "OR('org1.member')" },
        { name: "c", policy: "OR('org2.member')" },
      ],
      /declared twice/,
    ],
    ["an unknown organisation", [{ name: "c", policy: "OR('org9.member')" }], /not members: org9/],
    ["an implicit policy", [{ name: "c", policy: "MAJORITY member" }], /name its member organisations/],
    ["a negative blockToLive", [{ name: "c", policy: "OR('org1.member')", blockToLive: -1 }], /'blockToLive'/],
    ["a non-boolean flag", [{ name: "c", policy: "OR('org1.member')", memberOnlyRead: "yes" }], /'memberOnlyRead'/],
    [
      "a bad endorsement policy",
      [{ name: "c", policy: "OR('org1.member')", endorsementPolicy: 5 }],
      /endorsementPolicy/,
    ],
  ];
  for (const [what, json, message] of bad) {
    it(`refuses ${what} with PRIVATE_COLLECTION_INVALID`, () => {
      expect(() => parseCollections(json, orgs), what).toThrowError(
        expect.objectContaining({ code: "PRIVATE_COLLECTION_INVALID", message: expect.stringMatching(message) }),
      );
    });
  }
});
