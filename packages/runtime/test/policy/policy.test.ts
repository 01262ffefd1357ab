import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Principal, parsePolicy, policyToText, satisfies } from "../../src/policy/policy.ts";

interface Vectors {
  orgs: string[];
  cases: { name: string; policy: string; signers: string[]; ok: boolean }[];
  invalid: { name: string; policy: string }[];
}
const vectors = JSON.parse(readFileSync(new URL("./vectors/policies.json", import.meta.url), "utf8")) as Vectors;
const principal = (s: string): Principal => {
  const [orgId, role] = s.split(".");
  return { orgId, role };
};

describe("policies (Fabric signature-policy syntax)", () => {
  it("evaluates every vector", () => {
    for (const c of vectors.cases) {
      expect(satisfies(parsePolicy(c.policy), c.signers.map(principal), vectors.orgs), c.name).toBe(c.ok);
    }
  });

  it("refuses every invalid policy with POLICY_INVALID", () => {
    for (const c of vectors.invalid) {
      expect(() => parsePolicy(c.policy), c.name).toThrow(expect.objectContaining({ code: "POLICY_INVALID" }));
    }
  });

  it("prints a policy that parses back to the same policy", () => {
    const org = fc.constantFrom("org1", "org2", "org3");
    const role = fc.constantFrom("member", "admin", "peer", "client", "device");
    const leaf = fc.tuple(org, role).map(([o, r]) => `'${o}.${r}'`);
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc
          .array(tie("node"), { minLength: 1, maxLength: 4 })
          .chain((kids) =>
            fc.integer({ min: 1, max: kids.length }).map((n) => `OutOf(${n}, ${(kids as string[]).join(", ")})`),
          ),
      ),
    })).node as fc.Arbitrary<string>;
    fc.assert(
      fc.property(tree, (text) => {
        const p = parsePolicy(text);
        expect(parsePolicy(policyToText(p))).toEqual(p);
      }),
    );
  });

  it("bounds policy size and depth", () => {
    const deep = `${"OR(".repeat(20)}'org1.member'${")".repeat(20)}`;
    expect(() => parsePolicy(deep)).toThrow(/nested deeper/);
    expect(() => parsePolicy(`OR(${"'org1.member',".repeat(400)}'org1.member')`)).toThrow(/longer than|more than/);
  });
});
