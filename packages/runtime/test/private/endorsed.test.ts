import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CertAndKey,
  createOrgCA,
  issueCertificate,
  keyPairFromPem,
  MembershipVerifier,
  parseCertificate,
  sign,
  signTx,
} from "@citychain/crypto";
import { Ledger } from "@citychain/ledger";
import {
  decodeTx,
  encodeRwSet,
  encodeSignedTx,
  encodeTxBody,
  endorsementSignBytes,
  type Organisation,
  type RwSet,
  sha256,
  txIdOfBody,
  utf8ToBytes,
} from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TxContext } from "../../src/contract-context.ts";
import type { ContractDefinition } from "../../src/contracts/governance/kinds.ts";
import { Overlay } from "../../src/overlay.ts";
import { parseCollections } from "../../src/private/collections.ts";
import { applyEndorsed } from "../../src/private/endorsed.ts";
import { privateHashStateKey } from "../../src/private/keys.ts";
import { stateKey } from "../../src/state-keys.ts";

/** Signer material: a certificate (DER) and its key. */
function signerOf(issued: CertAndKey) {
  return { certDer: new Uint8Array(parseCertificate(issued.certPem).der), keyPair: keyPairFromPem(issued.keyPem) };
}
type Signer = ReturnType<typeof signerOf>;

describe("applyEndorsed: what every node checks of an endorsed transaction", () => {
  const dir = mkdtempSync(join(tmpdir(), "citychain-endorsed-"));
  let ledger: Ledger;
  let verifier: MembershipVerifier;
  let node1: Signer;
  let node2: Signer;
  let admin1: Signer;
  let member1: Signer;
  const orgIds = ["org1", "org2"];
  const def = (endorsementPolicy = "OR('org1.peer', 'org2.peer')"): ContractDefinition => ({
    name: "passet",
    sequence: 1,
    hash: "00".repeat(32),
    version: "1",
    activeFrom: 1,
    proposalId: 1,
    endorsementPolicy,
    collections: parseCollections(
      [
        { name: "shared", policy: "OR('org1.member', 'org2.member')" },
        { name: "org1Only", policy: "OR('org1.member')" },
        {
          name: "org1Endorsed",
          policy: "OR('org1.member')",
          endorsementPolicy: { signaturePolicy: "OR('org1.peer')" },
        },
      ],
      orgIds,
    ),
  });
  const hashKey = (collection: string, key: string) => privateHashStateKey("passet", collection, key);
  let nonce = 0;

  /** An endorsed transaction of `rwset`, signed by member1 and endorsed by `endorsers` (optionally over another rwset). */
  function endorsedTx(rwset: RwSet, endorsers: Signer[], signedRwset: RwSet = rwset) {
    const body = encodeTxBody({
      chainId: "c",
      contract: "passet",
      fn: "CreateAsset",
      args: [],
      nonce: utf8ToBytes(`nonce-${String(++nonce).padStart(4, "0")}`),
      expiresAt: 10,
    });
    const id = txIdOfBody(body);
    const rwsetBytes = encodeRwSet(rwset);
    const signedHash = sha256(encodeRwSet(signedRwset));
    const endorsements = endorsers.map((e) => ({
      alg: e.keyPair.alg,
      cert: e.certDer,
      sig: sign(e.keyPair, endorsementSignBytes(id, signedHash)),
    }));
    return decodeTx(
      encodeSignedTx({ body, sigs: [signTx(member1, id)], endorsed: { rwset: rwsetBytes, endorsements } }),
      1 << 20,
    );
  }

  function contextOf(seed: [Uint8Array, Uint8Array][] = []) {
    const overlay = new Overlay((k) => ledger.getState(k));
    for (const [k, v] of seed) overlay.put(k, v);
    const caller = verifier.validate(member1.certDer, Date.now(), () => false);
    return {
      overlay,
      ctx: new TxContext(
        "passet",
        new Uint8Array(32),
        2,
        Date.now(),
        [{ kind: "member", identity: caller }],
        false,
        overlay,
        ledger,
      ),
    };
  }

  const deps = () => ({ membership: verifier, timeMs: Date.now(), isRevoked: () => false, orgIds });
  const write = (collection: string, key: string, value: string) => ({
    key: hashKey(collection, key),
    value: sha256(utf8ToBytes(value)),
  });
  const rwsetOf = (writes: RwSet["writes"], reads: RwSet["reads"] = []): RwSet => ({
    reads,
    writes,
    events: [{ name: "AssetCreated", payload: utf8ToBytes("{}") }],
    returnValue: utf8ToBytes("done"),
  });

  beforeAll(async () => {
    const ca1 = await createOrgCA({ orgId: "org1", orgName: "Org One" });
    const ca2 = await createOrgCA({ orgId: "org2", orgName: "Org Two" });
    const issue = (ca: CertAndKey, orgId: string, cn: string, role: "admin" | "member" | "node") =>
      issueCertificate({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, commonName: cn, orgId, role });
    node1 = signerOf(await issue(ca1, "org1", "org1-node", "node"));
    node2 = signerOf(await issue(ca2, "org2", "org2-node", "node"));
    admin1 = signerOf(await issue(ca1, "org1", "admin1", "admin"));
    member1 = signerOf(await issue(ca1, "org1", "alice", "member"));
    const orgs: Organisation[] = [
      { id: "org1", name: "Org One", caCerts: [ca1.certPem] },
      { id: "org2", name: "Org Two", caCerts: [ca2.certPem] },
    ];
    verifier = new MembershipVerifier(orgs);
    ledger = Ledger.open(dir);
  });

  afterAll(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies the writes and events of a member node's endorsement", () => {
    const { ctx, overlay } = contextOf();
    const w = write("shared", "asset1", "v1");
    const out = applyEndorsed(ctx, endorsedTx(rwsetOf([w], [{ key: w.key, hash: null }]), [node1]), def(), deps());
    expect(Buffer.from(out).toString()).toBe("done");
    expect(overlay.get(w.key)).toEqual(w.value);
    expect(ctx.events.map((e) => e.name)).toEqual(["AssetCreated"]);
  });

  const refusals: { name: string; code: string; run: () => unknown }[] = [
    {
      name: "an endorsement signed by a non-node certificate",
      code: "TX_ENDORSEMENT_INVALID",
      run: () =>
        applyEndorsed(contextOf().ctx, endorsedTx(rwsetOf([write("shared", "a", "v")]), [admin1]), def(), deps()),
    },
    {
      name: "an endorsement over another read-write set",
      code: "TX_ENDORSEMENT_INVALID",
      run: () =>
        applyEndorsed(
          contextOf().ctx,
          endorsedTx(rwsetOf([write("shared", "a", "forged")]), [node1], rwsetOf([write("shared", "a", "v")])),
          def(),
          deps(),
        ),
    },
    {
      name: "the same endorser twice",
      code: "TX_ENDORSEMENT_INVALID",
      run: () =>
        applyEndorsed(contextOf().ctx, endorsedTx(rwsetOf([write("shared", "a", "v")]), [node1, node1]), def(), deps()),
    },
    {
      name: "a write outside the contract's key spaces",
      code: "TX_ENDORSEMENT_INVALID",
      run: () =>
        applyEndorsed(
          contextOf().ctx,
          endorsedTx(rwsetOf([{ key: stateKey("governance", "contract/passet"), value: utf8ToBytes("{}") }]), [node1]),
          def(),
          deps(),
        ),
    },
    {
      name: "a write to an undeclared collection",
      code: "PRIVATE_COLLECTION_UNKNOWN",
      run: () => applyEndorsed(contextOf().ctx, endorsedTx(rwsetOf([write("nope", "a", "v")]), [node1]), def(), deps()),
    },
    {
      name: "no endorser that is a member of the written collection",
      code: "TX_ENDORSEMENT_INVALID",
      run: () =>
        applyEndorsed(contextOf().ctx, endorsedTx(rwsetOf([write("org1Only", "a", "v")]), [node2]), def(), deps()),
    },
    {
      name: "endorsers short of the collection's endorsement policy",
      code: "POLICY_NOT_SATISFIED",
      run: () =>
        applyEndorsed(contextOf().ctx, endorsedTx(rwsetOf([write("org1Endorsed", "a", "v")]), [node2]), def(), deps()),
    },
    {
      name: "endorsers short of the contract's endorsement policy for public writes",
      code: "POLICY_NOT_SATISFIED",
      run: () =>
        applyEndorsed(
          contextOf().ctx,
          endorsedTx(rwsetOf([{ key: stateKey("passet", "public"), value: utf8ToBytes("x") }]), [node1]),
          def("AND('org1.peer', 'org2.peer')"),
          deps(),
        ),
    },
    {
      name: "a key read that has changed since the endorsement",
      code: "TX_READ_CONFLICT",
      run: () => {
        const w = write("shared", "asset1", "v2");
        return applyEndorsed(
          contextOf([[w.key, sha256(utf8ToBytes("written meanwhile"))]]).ctx,
          endorsedTx(rwsetOf([w], [{ key: w.key, hash: null }]), [node1]),
          def(),
          deps(),
        );
      },
    },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name} (${r.code}) and writes nothing`, () => {
      expect(r.run, r.name).toThrowError(expect.objectContaining({ code: r.code }));
    });
  }

  it("accepts the collection's own endorsement policy in place of the contract's", () => {
    const { ctx } = contextOf();
    expect(() =>
      applyEndorsed(
        ctx,
        endorsedTx(rwsetOf([write("org1Endorsed", "a", "v")]), [node1]),
        def("AND('org1.peer', 'org2.peer')"),
        deps(),
      ),
    ).not.toThrow();
  });
});
