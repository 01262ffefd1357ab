import { bytesToHex, bytesToUtf8, ErrorCode } from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateKey, stateKeyToString } from "../src/index.ts";
import { createFixture, type Fixture, memberOf } from "./fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await createFixture();
});
afterAll(async () => {
  await f.close();
});

describe("checkTxs", () => {
  it("accepts a member's kv put and rejects each bad case with its own code", async () => {
    const app = await f.openApp();
    const good = f.tx([f.member1], "kv", "put", ["a", "1"]);
    const badSig = f.withBadSignature(f.tx([f.member1], "kv", "put", ["a", "2"]).bytes);
    const foreignCa = await (await import("@citychain/crypto")).createOrgCA({ orgId: "org1", orgName: "Impostor" });
    const impostor = memberOf(await f.issue(foreignCa, "org1", "mallory", "member"));
    const expired = memberOf(
      await f.issue(f.ca1, "org1", "old", "member", {
        notBefore: new Date(Date.now() - 10 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
      }),
    );
    const outcomes = await app.checkTxs([
      good.bytes,
      badSig,
      f.tx([impostor], "kv", "put", ["a", "3"]).bytes,
      f.tx([expired], "kv", "put", ["a", "4"]).bytes,
      f.tx([f.member1], "kv", "put", ["a", "5"], 0).bytes,
      f.tx([f.member1], "kv", "put", ["a", "6"], 10_000_000).bytes,
      new Uint8Array([1, 2, 3]),
      f.tx([f.member1], "nope", "put", []).bytes,
      f.tx([f.member1], "kv", "nope", []).bytes,
    ]);
    expect(outcomes.map((o) => (o.ok ? "OK" : o.code))).toEqual([
      "OK",
      ErrorCode.TX_SIGNATURE_INVALID,
      ErrorCode.CERT_UNKNOWN_CA,
      ErrorCode.CERT_EXPIRED,
      ErrorCode.TX_EXPIRED,
      ErrorCode.TX_EXPIRY_TOO_FAR,
      ErrorCode.TX_DECODE_FAILED,
      ErrorCode.CONTRACT_NOT_FOUND,
      ErrorCode.CONTRACT_FUNCTION_NOT_FOUND,
    ]);
  });

  it("rejects a transaction over the size limit and one for another chain", async () => {
    const app = await f.openApp();
    const big = f.tx([f.member1], "kv", "put", ["big", "x".repeat(f.genesis.params.txBytesMax)]);
    const [o] = await app.checkTxs([big.bytes]);
    expect(o.ok ? "OK" : o.code).toBe(ErrorCode.TX_TOO_LARGE);
  });

  it("rejects a transaction already on chain as a duplicate", async () => {
    const app = await f.openApp();
    const t = f.tx([f.member1], "kv", "put", ["dup", "1"]);
    await f.commitBlock(app, [t.bytes]);
    const [o] = await app.checkTxs([t.bytes]);
    expect(o.ok ? "OK" : o.code).toBe(ErrorCode.TX_DUPLICATE);
  });
});

describe("execution", () => {
  it("runs kv put/get/del with events and history, failing calls change nothing", async () => {
    const app = await f.openApp();
    const b1 = await f.commitBlock(app, [
      f.tx([f.member1], "kv", "put", ["k", "v1"]).bytes,
      f.tx([f.member2], "kv", "del", ["missing"]).bytes,
      f.tx([f.member2], "kv", "put", ["k2", "v2"]).bytes,
    ]);
    expect(b1.txs.length).toBe(3);
    expect(bytesToUtf8(await app.query({ contract: "kv", fn: "get", args: ["k"] }))).toBe("v1");
    expect(bytesToUtf8(await app.query({ contract: "kv", fn: "get", args: ["k2"] }))).toBe("v2");
    await f.commitBlock(app, [f.tx([f.member1], "kv", "del", ["k"]).bytes]);
    await expect(app.query({ contract: "kv", fn: "get", args: ["k"] })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
  });

  it("gives the same app hash and results on two independent nodes", async () => {
    const a = await f.openApp();
    const b = await f.openApp();
    const txs = [
      f.tx([f.member1], "kv", "put", ["x", "1"]).bytes,
      f.tx([f.member2], "kv", "put", ["y", "2"]).bytes,
      f.tx([f.member1], "kv", "del", ["nope"]).bytes,
    ];
    const block = await f.commitBlock(a, txs);
    // Node b receives a's block and must accept it and reach the same state.
    const verdict = await b.processProposal(block);
    expect(verdict).toEqual({ accept: true });
    const ex = await b.finalizeBlock(block);
    await b.commit(block, { height: 1, round: 0, blockHash: ex.blockHash, sigs: [] }, ex);
    expect(bytesToHex(b.info().appHash)).toBe(bytesToHex(a.info().appHash));
    expect(bytesToHex(b.info().lastBlockHash)).toBe(bytesToHex(a.info().lastBlockHash));
  });

  it("rejects a proposal whose results root, app hash or transactions were tampered with", async () => {
    const a = await f.openApp();
    const b = await f.openApp();
    const block = await f.commitBlock(a, [f.tx([f.member1], "kv", "put", ["t", "1"]).bytes]);
    const tampered = { ...block, header: { ...block.header, resultsRoot: new Uint8Array(32) } };
    expect(await b.processProposal(tampered)).toMatchObject({
      accept: false,
      code: ErrorCode.BLOCK_RESULTS_ROOT_MISMATCH,
    });
    const wrongApp = { ...block, header: { ...block.header, appHash: new Uint8Array(32) } };
    expect(await b.processProposal(wrongApp)).toMatchObject({ accept: false, code: ErrorCode.BLOCK_APP_HASH_MISMATCH });
    const badTx = f.withBadSignature(f.tx([f.member1], "kv", "put", ["t", "2"]).bytes);
    const withBadTx = { ...block, txs: [badTx] };
    expect(await b.processProposal(withBadTx)).toMatchObject({ accept: false, code: ErrorCode.BLOCK_TX_INVALID });
  });
});

describe("membership", () => {
  it("lets an org admin revoke a member; the member's later transactions are rejected", async () => {
    const app = await f.openApp();
    const victim = memberOf(await f.issue(f.ca1, "org1", "carol", "member"));
    // A member of another organisation may not revoke.
    await f.commitBlock(app, [f.tx([f.member2], "membership", "revoke", [victim.certPem, "not mine"]).bytes]);
    const denied = app.info();
    expect(denied.height).toBe(1);
    await f.commitBlock(app, [f.tx([f.admin1], "membership", "revoke", [victim.certPem, "key compromise"]).bytes]);
    const rec = JSON.parse(
      bytesToUtf8(await app.query({ contract: "membership", fn: "isRevoked", args: [victim.fingerprint] })),
    );
    expect(rec).toMatchObject({ revoked: true, reason: "key compromise", orgId: "org1" });
    const [o] = await app.checkTxs([f.tx([victim], "kv", "put", ["z", "1"]).bytes]);
    expect(o.ok ? "OK" : o.code).toBe(ErrorCode.CERT_REVOKED);
  });

  it("revocation takes effect for later transactions in the same block", async () => {
    const app = await f.openApp();
    const victim = memberOf(await f.issue(f.ca1, "org1", "dave", "member"));
    const put = f.tx([victim], "kv", "put", ["dave", "1"]);
    const checked = await app.checkTxs([f.tx([f.admin1], "membership", "revoke", [victim.certPem]).bytes, put.bytes]);
    expect(checked.every((c) => c.ok)).toBe(true);
    const info = app.info();
    const { block, dropped } = await app.prepareProposal({
      height: info.height + 1,
      timeMs: Date.now(),
      proposer: f.validators[0].address,
      prevHash: info.lastBlockHash,
      txs: checked.flatMap((c) => (c.ok ? [c.tx] : [])),
    });
    expect(block.txs.length).toBe(1);
    expect(dropped.map((d) => d.code)).toEqual([ErrorCode.CERT_REVOKED]);
  });

  it("registers identities by their org admin only", async () => {
    const app = await f.openApp();
    await f.commitBlock(app, [
      f.tx([f.admin1], "membership", "register", [f.member1.certPem]).bytes,
      f.tx([f.admin1], "membership", "register", [f.member2.certPem]).bytes,
    ]);
    const list = JSON.parse(bytesToUtf8(await app.query({ contract: "membership", fn: "list", args: [] })));
    expect(list.map((r: { fingerprint: string }) => r.fingerprint)).toEqual([f.member1.fingerprint]);
    expect(stateKeyToString(stateKey("kv", "a"))).toBe("6b760061");
  });
});

describe("public mode", () => {
  it("accepts key-only signers only for public contracts", async () => {
    const pf = await createFixture({ mode: "public", params: { publicContracts: ["kv"] } });
    try {
      const app = await pf.openApp();
      const { generateKeyPair, signTxWithKey } = await import("@citychain/crypto");
      const { encodeSignedTx, encodeTxBody, txIdOfBody } = await import("@citychain/protocol");
      const kp = generateKeyPair("ed25519");
      const mk = (contract: string, fn: string, args: string[]) => {
        const body = encodeTxBody({
          chainId: pf.genesis.chainId,
          contract,
          fn,
          args,
          nonce: new Uint8Array(8).fill(contract.length),
          expiresAt: 100,
        });
        return encodeSignedTx({ body, sigs: [signTxWithKey(kp, txIdOfBody(body))] });
      };
      const out = await app.checkTxs([mk("kv", "put", ["p", "1"]), mk("membership", "register", ["x"])]);
      expect(out.map((o) => (o.ok ? "OK" : o.code))).toEqual(["OK", ErrorCode.CONTRACT_PUBLIC_SUBMIT_DENIED]);
    } finally {
      await pf.close();
    }
  });
});
