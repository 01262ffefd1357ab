import { bytesToUtf8, decodeTx, ErrorCode, TX_BYTES_HARD_MAX } from "@citychain/protocol";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestNetwork, type TestNetwork } from "../../node/test/test-network.ts";
import { buildSignedTx, CityChainClient } from "../src/index.ts";

let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork("alliance");
});

afterAll(async () => {
  await net?.stop();
});

test("a kv put signed by an org1 member commits and kv get returns it", async () => {
  const client = new CityChainClient({ url: net.url, identity: net.member });
  const put = await client.submitTransaction("kv", "put", "colour", "green");
  expect(put.id).toMatch(/^[0-9a-f]{64}$/);
  expect(put.height).toBeGreaterThan(0);
  expect(bytesToUtf8(await client.evaluateTransaction("kv", "get", "colour"))).toBe("green");
  const tx = await client.getTx(put.id);
  expect(tx).toMatchObject({ id: put.id, height: put.height, index: put.index, code: "OK" });
  expect(tx.tx).toMatchObject({ contract: "kv", fn: "put", args: ["colour", "green"] });
  expect(tx.tx.signers[0]).toMatchObject({ orgId: "org1" });
  expect(tx.events[0]).toMatchObject({ contract: "kv", name: "put", payloadText: "colour" });
  const block = await client.getBlock(put.height);
  expect(block.txs.map((t) => t.id)).toContain(put.id);
});

test("a system contract's return value comes back as text", async () => {
  const admin = new CityChainClient({ url: net.url, identity: net.admin });
  const carol = await net.issueMember("carol@org1");
  const r = await admin.submitTransaction("membership", "register", carol.certPem);
  expect(JSON.parse(r.returnText ?? "{}")).toMatchObject({ orgId: "org1", role: "member" });
});

test("buildSignedTx makes distinct ids for identical calls and signs with every signer", () => {
  const req = { chainId: "c", contract: "kv", fn: "put", args: ["a", "b"], expiresAt: 10 };
  const a = buildSignedTx(req, [net.member]);
  const b = buildSignedTx(req, [net.member, net.admin]);
  expect(a.id).not.toBe(b.id);
  expect(decodeTx(b.bytes, TX_BYTES_HARD_MAX).sigs).toHaveLength(2);
  const fixed = new Uint8Array(16).fill(7);
  expect(buildSignedTx({ ...req, nonce: fixed }, [net.member]).id).toBe(
    buildSignedTx({ ...req, nonce: fixed }, [net.admin]).id,
  );
  expect(() => buildSignedTx(req, [])).toThrow(expect.objectContaining({ code: ErrorCode.TX_SIGNATURE_MISSING }));
});

test("node errors arrive as CityChainError with the node's code", async () => {
  const client = new CityChainClient({ url: net.url, identity: net.member });
  await expect(client.evaluateTransaction("kv", "get", "missing")).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  await expect(client.getTx("00".repeat(32))).rejects.toMatchObject({ code: ErrorCode.TX_NOT_FOUND });
  const anonymous = new CityChainClient({ url: net.url });
  await expect(anonymous.status()).rejects.toMatchObject({ code: ErrorCode.AUTH_REQUIRED });
  await expect(anonymous.submitTransaction("kv", "put", "a", "b")).rejects.toMatchObject({
    code: ErrorCode.AUTH_REQUIRED,
  });
  const offline = new CityChainClient({ url: "http://127.0.0.1:1", identity: net.member });
  await expect(offline.status()).rejects.toMatchObject({ code: ErrorCode.INTERNAL });
});
