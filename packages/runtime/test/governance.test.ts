import { randomBytes } from "node:crypto";
import {
  CONTRACT_BUNDLE_CHUNK_BYTES_MAX as BUNDLE_CHUNK_BYTES_MAX,
  bytesToBase64,
  bytesToHex,
  bytesToUtf8,
  ErrorCode,
  sha256,
} from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAINCODE_BUNDLE_FORMAT, type CityChainApp, encodeBundle } from "../src/index.ts";
import { createFixture, type Fixture, type Member, memberOf } from "./fixture.ts";

let f: Fixture;
let admin2: Member;
beforeAll(async () => {
  f = await createFixture();
  admin2 = memberOf(await f.issue(f.ca2, "org2", "admin2", "admin"));
});
afterAll(async () => {
  await f.close();
});

function codeOf(app: CityChainApp, id: Uint8Array): string | undefined {
  return (app as unknown as { ledger: { getTxLocation(id: Uint8Array): { code: string } } }).ledger.getTxLocation(id)
    ?.code;
}

/** Upload transactions for a bundle, pieces in the given order. */
function uploads(bundle: Uint8Array, order?: number[]) {
  const hash = bytesToHex(sha256(bundle));
  const count = Math.ceil(bundle.length / BUNDLE_CHUNK_BYTES_MAX);
  const idx = order ?? [...Array(count).keys()];
  return {
    hash,
    txs: idx.map((i) =>
      f.tx([f.admin1], "governance", "upload", [
        hash,
        String(bundle.length),
        String(i),
        String(count),
        bytesToBase64(bundle.subarray(i * BUNDLE_CHUNK_BYTES_MAX, (i + 1) * BUNDLE_CHUNK_BYTES_MAX)),
      ]),
    ),
  };
}

/** A valid chaincode bundle of about `size` bytes (governance refuses bundles the sandbox could not load). */
function bundleOf(size: number): Uint8Array {
  const padding = randomBytes(Math.ceil(size / 2)).toString("hex");
  return encodeBundle({
    format: CHAINCODE_BUNDLE_FORMAT,
    name: "padded",
    version: "1.0.0",
    main: "index.js",
    files: { "index.js": `module.exports.contracts = []; // ${padding}` },
    resolutions: {},
  }).bytes;
}

const query = async (app: CityChainApp, fn: string, ...args: string[]) =>
  JSON.parse(bytesToUtf8(await app.query({ contract: "governance", fn, args })));

describe("governance system contract", () => {
  it("deploys a contract once a majority of organisations' admins approve, at the next height", async () => {
    const app = await f.openApp();
    const bundle = bundleOf(BUNDLE_CHUNK_BYTES_MAX * 2 + 1000);
    const up = uploads(bundle, [2, 0, 1]);
    const payload = JSON.stringify({ name: "asset", sequence: 1, hash: up.hash, version: "1.0" });
    const early = f.tx([f.admin1], "governance", "propose", ["deployContract", payload]);
    await f.commitBlock(app, [early.bytes]);
    expect(codeOf(app, early.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);

    await f.commitBlock(
      app,
      up.txs.map((t) => t.bytes),
    );
    for (const t of up.txs) expect(codeOf(app, t.id)).toBe("OK");
    const byMember = f.tx([f.member1], "governance", "propose", ["deployContract", payload]);
    const proposal = f.tx([f.admin1], "governance", "propose", ["deployContract", payload]);
    await f.commitBlock(app, [byMember.bytes, proposal.bytes]);
    expect(codeOf(app, byMember.id)).toBe(ErrorCode.ACCESS_DENIED);
    expect(codeOf(app, proposal.id)).toBe("OK");
    const [open] = await query(app, "list", "open");
    expect(open).toMatchObject({
      kind: "deployContract",
      votes: { org1: "yes" },
      status: "open",
      policy: "MAJORITY admin",
    });
    await expect(app.query({ contract: "governance", fn: "contract", args: ["asset"] })).rejects.toMatchObject({
      code: ErrorCode.CONTRACT_NOT_FOUND,
    });

    const vote = f.tx([admin2], "governance", "vote", [String(open.id), "yes"]);
    const block = await f.commitBlock(app, [vote.bytes]);
    expect(codeOf(app, vote.id)).toBe("OK");
    const def = await query(app, "contract", "asset");
    expect(def).toMatchObject({ name: "asset", sequence: 1, hash: up.hash, version: "1.0" });
    expect(def.activeFrom).toBe(block.header.height + 1);
    expect((await query(app, "get", String(open.id))).status).toBe("executed");

    // Voting again on a decided proposal, and re-deploying the same sequence, are refused.
    const late = f.tx([admin2], "governance", "vote", [String(open.id), "no"]);
    const again = f.tx([f.admin1, admin2], "governance", "propose", ["deployContract", payload]);
    await f.commitBlock(app, [late.bytes, again.bytes]);
    expect(codeOf(app, late.id)).toBe(ErrorCode.PROPOSAL_CLOSED);
    expect(codeOf(app, again.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);

    // An upgrade co-signed by both admins decides in one transaction.
    const upgrade = f.tx([f.admin1, admin2], "governance", "propose", [
      "deployContract",
      JSON.stringify({ name: "asset", sequence: 2, hash: up.hash }),
    ]);
    await f.commitBlock(app, [upgrade.bytes]);
    expect(codeOf(app, upgrade.id)).toBe("OK");
    expect((await query(app, "contract", "asset")).sequence).toBe(2);
  });

  it("rejects a proposal that can no longer pass, and changes its own policies by proposal", async () => {
    const app = await f.openApp();
    const p = f.tx([f.admin1], "governance", "propose", [
      "setPolicy",
      JSON.stringify({ name: "lifecycle", policy: "ANY admin" }),
    ]);
    await f.commitBlock(app, [p.bytes]);
    const no = f.tx([admin2], "governance", "vote", ["1", "no"]);
    await f.commitBlock(app, [no.bytes]);
    expect((await query(app, "get", "1")).status).toBe("rejected");
    expect((await query(app, "policies")).lifecycle).toBe("MAJORITY admin");

    const both = f.tx([f.admin1, admin2], "governance", "propose", [
      "setPolicy",
      JSON.stringify({ name: "lifecycle", policy: "ANY admin" }),
    ]);
    const badPolicy = f.tx([f.admin1], "governance", "propose", [
      "setPolicy",
      JSON.stringify({ name: "lifecycle", policy: "XOR('org1.admin')" }),
    ]);
    const badKind = f.tx([f.admin1], "governance", "propose", ["launchRocket", "{}"]);
    const badJson = f.tx([f.admin1], "governance", "propose", ["setPolicy", "{"]);
    await f.commitBlock(app, [both.bytes, badPolicy.bytes, badKind.bytes, badJson.bytes]);
    expect(codeOf(app, both.id)).toBe("OK");
    expect(codeOf(app, badPolicy.id)).toBe(ErrorCode.POLICY_INVALID);
    expect(codeOf(app, badKind.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
    expect(codeOf(app, badJson.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
    expect((await query(app, "policies")).lifecycle).toBe("ANY admin");
  });

  it("refuses the last piece when the pieces do not hash to the announced bundle, and accepts them sent again", async () => {
    const app = await f.openApp();
    const bundle = bundleOf(BUNDLE_CHUNK_BYTES_MAX + 10);
    const wrong = new Uint8Array(bundle);
    wrong[5] ^= 1;
    const up = uploads(bundle);
    // The forged first piece claims the real hash.
    const forgedTx = f.tx([f.admin1], "governance", "upload", [
      up.hash,
      String(bundle.length),
      "0",
      "2",
      bytesToBase64(wrong.subarray(0, BUNDLE_CHUNK_BYTES_MAX)),
    ]);
    await f.commitBlock(app, [forgedTx.bytes]);
    const last = up.txs[1];
    await f.commitBlock(app, [last.bytes]);
    expect(codeOf(app, last.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
    const again = uploads(bundle);
    await f.commitBlock(
      app,
      again.txs.map((t) => t.bytes),
    );
    for (const t of again.txs) expect(codeOf(app, t.id)).toBe("OK");
    const deploy = f.tx([f.admin1, admin2], "governance", "propose", [
      "deployContract",
      JSON.stringify({ name: "doc", sequence: 1, hash: up.hash }),
    ]);
    await f.commitBlock(app, [deploy.bytes]);
    expect(codeOf(app, deploy.id)).toBe("OK");
  });

  it("adds an organisation whose members can then transact, and removes it again", async () => {
    const app = await f.openApp();
    const { createOrgCA } = await import("@citychain/crypto");
    const ca3 = await createOrgCA({ orgId: "org3", orgName: "Org Three" });
    const carol = memberOf(await f.issue(ca3, "org3", "carol", "member"));
    const before = f.tx([carol], "kv", "put", ["who", "carol"]);
    const [refused] = await app.checkTxs([before.bytes]);
    expect(refused).toMatchObject({ ok: false, code: ErrorCode.CERT_UNKNOWN_CA });

    const add = f.tx([f.admin1, admin2], "governance", "propose", [
      "addOrg",
      JSON.stringify({ id: "org3", name: "Org Three", caCerts: [ca3.certPem] }),
    ]);
    const notCa = f.tx([f.admin1, admin2], "governance", "propose", [
      "addOrg",
      JSON.stringify({ id: "org4", name: "Org Four", caCerts: [carol.certPem] }),
    ]);
    await f.commitBlock(app, [add.bytes, notCa.bytes]);
    expect(codeOf(app, add.id)).toBe("OK");
    expect(codeOf(app, notCa.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
    expect((await query(app, "orgs")).map((o: { id: string }) => o.id)).toEqual(["org1", "org2", "org3"]);

    const after = f.tx([carol], "kv", "put", ["who", "carol"]);
    await f.commitBlock(app, [after.bytes]);
    expect(codeOf(app, after.id)).toBe("OK");

    // Three organisations now: two admins are still a majority; org1 runs the validator and cannot leave.
    const removeOrg1 = f.tx([f.admin1, admin2], "governance", "propose", ["removeOrg", JSON.stringify({ id: "org1" })]);
    const removeOrg3 = f.tx([f.admin1, admin2], "governance", "propose", ["removeOrg", JSON.stringify({ id: "org3" })]);
    await f.commitBlock(app, [removeOrg1.bytes, removeOrg3.bytes]);
    expect(codeOf(app, removeOrg1.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
    expect(codeOf(app, removeOrg3.id)).toBe("OK");
    const gone = f.tx([carol], "kv", "put", ["who", "carol again"]);
    const [again] = await app.checkTxs([gone.bytes]);
    expect(again).toMatchObject({ ok: false, code: ErrorCode.CERT_UNKNOWN_CA });
  });

  it("refuses to deploy uploaded bytes that are not a chaincode bundle", async () => {
    const app = await f.openApp();
    const up = uploads(new Uint8Array(randomBytes(1000)));
    await f.commitBlock(
      app,
      up.txs.map((t) => t.bytes),
    );
    const deploy = f.tx([f.admin1, admin2], "governance", "propose", [
      "deployContract",
      JSON.stringify({ name: "junk", sequence: 1, hash: up.hash }),
    ]);
    await f.commitBlock(app, [deploy.bytes]);
    expect(codeOf(app, deploy.id)).toBe(ErrorCode.CHAINCODE_BUNDLE_INVALID);
  });
  it("changes chain parameters by proposal, for every node from the next block", async () => {
    const app = await f.openApp();
    const change = (params: unknown, signers = [f.admin1, admin2]) =>
      f.tx(signers, "governance", "propose", ["setParams", JSON.stringify({ params })], app.info().height + 3);
    const unknownParam = change({ timeoutProposeMs: 10 });
    const outOfBounds = change({ blockTxsMax: 0 });
    const badNames = change({ publicContracts: ["ok", "not ok"] });
    const alone = change({ txExpiryWindowMax: 5 }, [f.admin1]);
    await f.commitBlock(app, [unknownParam.bytes, outOfBounds.bytes, badNames.bytes, alone.bytes]);
    expect(codeOf(app, unknownParam.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
    expect(codeOf(app, outOfBounds.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
    expect(codeOf(app, badNames.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
    // One organisation of two is no majority: the proposal stays open, nothing changes.
    expect(codeOf(app, alone.id)).toBe("OK");
    expect(app.chainParams().txExpiryWindowMax).toBe(f.genesis.params.txExpiryWindowMax);

    const both = change({ txExpiryWindowMax: 5, blockTxsMax: 2 });
    await f.commitBlock(app, [both.bytes]);
    expect(codeOf(app, both.id)).toBe("OK");
    expect(app.chainParams()).toMatchObject({ txExpiryWindowMax: 5, blockTxsMax: 2 });
    const h = app.info().height;
    const [far] = await app.checkTxs([f.tx([f.member1], "kv", "put", ["k", "v"], h + 50).bytes]);
    expect(far).toMatchObject({ ok: false, code: ErrorCode.TX_EXPIRY_TOO_FAR });
    const three = [1, 2, 3].map((i) => f.tx([f.member1], "kv", "put", [`k${i}`, "v"], h + 5).bytes);
    const block = await f.commitBlock(app, three);
    expect(block.txs.length).toBe(2);
    // A transaction must still fit a block.
    const tooBig = change({ txBytesMax: 4 * 1024 * 1024, blockBytesMax: 1024 * 1024 });
    await f.commitBlock(app, [tooBig.bytes]);
    expect(codeOf(app, tooBig.id)).toBe(ErrorCode.CONTRACT_ARGS_INVALID);
  });
});
