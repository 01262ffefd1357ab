import { describe, expect, it } from "vitest";
import {
  type EpcIdentity,
  epcCanonicalKey,
  epcToIdentity,
  formatEpcUrn,
  identityToDigitalLink,
  parseEpcUrn,
} from "../../src/index.ts";
import { readVectors, thrownCode } from "../helpers.ts";

interface Vectors {
  accept: Array<{ uri: string; identity: EpcIdentity; companyPrefixLength: number }>;
  reject: Array<{ name: string; uri: string }>;
  sameKey: Array<{ key: string; forms: string[] }>;
}
const vectors = readVectors<Vectors>("gs1/epc-uri.json");

describe("EPC URIs (vectors/gs1/epc-uri.json)", () => {
  it.each(vectors.accept)("reads and writes back $uri", (v) => {
    expect(parseEpcUrn(v.uri), v.uri).toEqual(v.identity);
    expect(formatEpcUrn(v.identity, v.companyPrefixLength), v.uri).toBe(v.uri);
  });

  it.each(vectors.reject)("rejects $name", (v) => {
    expect(thrownCode(() => parseEpcUrn(v.uri))?.code, v.uri).toBe("GS1_EPC_URI_INVALID");
  });

  it.each(vectors.sameKey)("maps every form to $key", (v) => {
    for (const form of v.forms) expect(epcCanonicalKey(form), form).toBe(v.key);
  });

  it("an identity's Digital Link reads back as the same identity", () => {
    for (const v of vectors.accept) {
      const dl = identityToDigitalLink(v.identity);
      expect(epcToIdentity(dl), dl).toEqual(v.identity);
      expect(epcCanonicalKey(dl), dl).toBe(epcCanonicalKey(v.uri));
    }
  });
});
