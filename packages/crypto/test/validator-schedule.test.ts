import { type Genesis, utf8ToBytes, validatorsHashOf } from "@citychain/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { createOrgCA, issueCertificate, parseValidatorSetChange, ValidatorSchedule } from "../src/index.ts";

let certs: string[];
let genesis: Genesis;

beforeAll(async () => {
  const ca = await createOrgCA({ orgId: "org1", orgName: "org1", validityDays: 30 });
  certs = [];
  for (let i = 0; i < 3; i++) {
    const c = await issueCertificate({
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      commonName: `n${i}`,
      orgId: "org1",
      role: "node",
      validityDays: 30,
    });
    certs.push(c.certPem);
  }
  genesis = {
    chainId: "t",
    genesisTimeMs: 0,
    mode: "alliance",
    orgs: [{ id: "org1", name: "org1", caCerts: [ca.certPem] }],
    validators: [{ name: "n0", orgId: "org1", cert: certs[0], power: 10 }],
    params: {} as Genesis["params"],
  };
});

const set = (...idx: number[]) => idx.map((i) => ({ name: `n${i}`, orgId: "org1", cert: certs[i], power: 10 }));
const event = (fromHeight: number, validators: ReturnType<typeof set>) => ({
  contract: "membership",
  name: "validatorSetChanged",
  payload: utf8ToBytes(JSON.stringify({ fromHeight, validators })),
});

describe("ValidatorSchedule", () => {
  it("gives the genesis set until a change's first height, then the new set", () => {
    const s = ValidatorSchedule.fromGenesis(genesis);
    expect(s.applyResults([{ code: "OK", events: [event(7, set(0, 1))] }])).toBe(1);
    for (const [h, names, from] of [
      [1, ["n0"], 1],
      [6, ["n0"], 1],
      [7, ["n0", "n1"], 7],
      [1000, ["n0", "n1"], 7],
    ] as const) {
      expect(
        s.at(h).map((v) => v.name),
        `height ${h}`,
      ).toEqual(names);
      expect(s.fromHeightAt(h), `height ${h}`).toBe(from);
      expect(s.hashAt(h), `height ${h}`).toEqual(validatorsHashOf(s.at(h)));
    }
  });

  it("lets a later change for the same height replace the earlier one, and ignores failed transactions", () => {
    const s = ValidatorSchedule.fromGenesis(genesis);
    s.applyResults([
      { code: "OK", events: [event(5, set(0, 1))] },
      { code: "ACCESS_DENIED", events: [event(5, set(2))] },
      { code: "OK", events: [event(5, set(0, 1, 2))] },
    ]);
    expect(s.at(5).map((v) => v.name)).toEqual(["n0", "n1", "n2"]);
    expect(s.changes().length).toBe(2);
  });

  it("keeps a clone independent", () => {
    const s = ValidatorSchedule.fromGenesis(genesis);
    const c = s.clone();
    c.applyResults([{ code: "OK", events: [event(3, set(1))] }]);
    expect(s.at(3).map((v) => v.name)).toEqual(["n0"]);
    expect(c.at(3).map((v) => v.name)).toEqual(["n1"]);
  });

  it("refuses changes out of order, empty sets, repeated keys and malformed payloads", () => {
    const s = ValidatorSchedule.fromGenesis(genesis);
    s.apply({ fromHeight: 9, validators: set(1) });
    const cases: [string, () => void][] = [
      ["out of order", () => s.apply({ fromHeight: 8, validators: set(0) })],
      ["empty", () => s.apply({ fromHeight: 10, validators: [] })],
      ["repeated key", () => s.apply({ fromHeight: 10, validators: [...set(1), { ...set(1)[0], name: "again" }] })],
      ["not JSON", () => parseValidatorSetChange(utf8ToBytes("{"))],
      [
        "power 0",
        () =>
          parseValidatorSetChange(
            utf8ToBytes(JSON.stringify({ fromHeight: 3, validators: [{ ...set(0)[0], power: 0 }] })),
          ),
      ],
      ["height 1", () => parseValidatorSetChange(utf8ToBytes(JSON.stringify({ fromHeight: 1, validators: set(0) })))],
    ];
    for (const [name, f] of cases) expect(f, name).toThrow(expect.objectContaining({ code: "VALIDATOR_SET_INVALID" }));
    expect(s.at(100).map((v) => v.name)).toEqual(["n1"]);
  });
});
