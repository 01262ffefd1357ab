import type { CertSigner } from "@citychain/crypto";
import { certPemToDer, createOrgCA, issueCertificate, keyPairFromPem } from "@citychain/crypto";
import {
  blockHash,
  bytesToBase64,
  bytesToHex,
  decodeBlock,
  decodeTx,
  ErrorCode,
  encodeSignedTx,
  TX_BYTES_HARD_MAX,
} from "@citychain/protocol";
import { buildSignedTx, CityChainClient } from "@citychain/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { API_BODY_BYTES_MAX } from "../src/api/limits.ts";
import { SUBMIT_BATCH_TXS_MAX } from "../src/node.ts";
import { call } from "./http-helpers.ts";
import { startTestNetwork, type TestNetwork } from "./test-network.ts";

let net: TestNetwork;
let client: CityChainClient;
let chainId: string;

beforeAll(async () => {
  net = await startTestNetwork("alliance");
  client = new CityChainClient({ url: net.url, identity: net.member });
  chainId = net.layout.genesis.chainId;
  // One committed block so reads have something to return.
  await client.submitTransaction("kv", "put", "seed", "1");
});

afterAll(async () => {
  await net?.stop();
});

function kvPut(
  key: string,
  value: string,
  signer: CertSigner = net.member,
  expiresAt = net.node.ledger.latestHeight() + 50,
) {
  return buildSignedTx({ chainId, contract: "kv", fn: "put", args: [key, value], expiresAt }, [signer]);
}

async function expectKeyAbsent(key: string): Promise<void> {
  const r = await call(net.url, "POST", "/v1/query", {
    json: { contract: "kv", fn: "get", args: [key] },
    signer: net.member,
  });
  expect(r.status, `key ${key}`).toBe(404);
  expect(r.code, `key ${key}`).toBe(ErrorCode.NOT_FOUND);
}

describe("submission rejections: each has its own code and writes nothing", () => {
  test("every bad transaction is refused with its code and status", async () => {
    const outsiderCA = await createOrgCA({ orgId: "org1" });
    const outsider = await issueCertificate({
      caCertPem: outsiderCA.certPem,
      caKeyPem: outsiderCA.keyPem,
      commonName: "mallory",
      orgId: "org1",
      role: "member",
    });
    const outsiderSigner = { certDer: certPemToDer(outsider.certPem), keyPair: keyPairFromPem(outsider.keyPem) };
    const expired = await net.issueMember("expired@org1", {
      notBefore: new Date(Date.now() - 2 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const revoked = await net.issueMember("revoked@org1");
    const admin = new CityChainClient({ url: net.url, identity: net.admin });
    await admin.submitTransaction("membership", "revoke", revoked.certPem, "key lost");

    const good = kvPut("dup", "1");
    const committed = await client.submitRaw([good.bytes], { wait: true });
    expect(committed[0].code).toBe("OK");

    const badSig = (() => {
      const t = kvPut("badsig", "1");
      const tx = decodeTx(t.bytes, TX_BYTES_HARD_MAX);
      const sig = new Uint8Array(tx.sigs[0].sig);
      sig[0] ^= 0xff;
      return { id: t.id, bytes: encodeSignedTx({ body: tx.bodyBytes, sigs: [{ ...tx.sigs[0], sig }] }) };
    })();
    const cases: { name: string; key?: string; id?: string; bytes: Uint8Array; code: string; status: number }[] = [
      { name: "bad signature", key: "badsig", ...badSig, code: ErrorCode.TX_SIGNATURE_INVALID, status: 400 },
      {
        name: "unknown CA",
        key: "outsider",
        ...kvPut("outsider", "1", outsiderSigner),
        code: ErrorCode.CERT_UNKNOWN_CA,
        status: 403,
      },
      {
        name: "expired certificate",
        key: "expired",
        ...kvPut("expired", "1", expired),
        code: ErrorCode.CERT_EXPIRED,
        status: 403,
      },
      {
        name: "revoked certificate",
        key: "revoked",
        ...kvPut("revoked", "1", revoked),
        code: ErrorCode.CERT_REVOKED,
        status: 403,
      },
      { name: "duplicate id", bytes: good.bytes, id: good.id, code: ErrorCode.TX_DUPLICATE, status: 409 },
      {
        name: "expired transaction",
        key: "late",
        ...kvPut("late", "1", net.member, 0),
        code: ErrorCode.TX_EXPIRED,
        status: 400,
      },
      {
        name: "bytes that do not decode",
        bytes: new Uint8Array([0xff, 0x00, 0x13, 0x37]),
        code: ErrorCode.TX_DECODE_FAILED,
        status: 400,
      },
      {
        name: "over the size limit",
        key: "big",
        ...kvPut("big", "x".repeat(300 * 1024)),
        code: ErrorCode.TX_TOO_LARGE,
        status: 413,
      },
    ];
    const heightBefore = net.node.ledger.latestHeight();
    for (const c of cases) {
      const single = await call(net.url, "POST", "/v1/txs?wait=true&timeoutMs=2000", {
        json: { tx: bytesToBase64(c.bytes) },
      });
      expect(single.status, c.name).toBe(c.status);
      expect(single.code, c.name).toBe(c.code);
      expect(typeof (single.body as { error: { message: string } }).error.message, c.name).toBe("string");
      const cbor = await call(net.url, "POST", "/v1/txs", { body: c.bytes, contentType: "application/cbor" });
      expect(cbor.code, `${c.name} (cbor)`).toBe(c.code);
      const [batched] = await client.submitRaw([c.bytes]);
      expect(batched.accepted, `${c.name} (batch)`).toBe(false);
      expect(batched.code, `${c.name} (batch)`).toBe(c.code);
      expect((await call(net.url, "GET", "/healthz")).status, `${c.name}: node still serves`).toBe(200);
    }
    expect(net.node.mempool.size).toBe(0);
    expect(net.node.ledger.latestHeight(), "no block was made from rejected transactions").toBe(heightBefore);
    // Force one more block, then make sure none of the rejected writes slipped in.
    await client.submitTransaction("kv", "put", "after", "1");
    for (const c of cases) {
      if (c.key) await expectKeyAbsent(c.key);
      if (c.id && c.code !== ErrorCode.TX_DUPLICATE) {
        const r = await call(net.url, "GET", `/v1/txs/${c.id}`, { signer: net.member });
        expect(r.code, c.name).toBe(ErrorCode.TX_NOT_FOUND);
      }
    }
    const dup = await client.getTx(good.id);
    expect(dup.height).toBe(committed[0].height);
  });

  test("a contract that fails is committed with its code and the SDK throws it", async () => {
    await expect(client.submitTransaction("kv", "del", "never-written")).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    await expect(client.submitTransaction("nope", "put", "a")).rejects.toMatchObject({
      code: ErrorCode.CONTRACT_NOT_FOUND,
    });
  });
});

describe("access in alliance mode", () => {
  test("an unauthenticated read gets 401 AUTH_REQUIRED", async () => {
    for (const path of ["/v1/status", "/v1/blocks/latest", "/v1/blocks/1"]) {
      const r = await call(net.url, "GET", path);
      expect(r.status, path).toBe(401);
      expect(r.code, path).toBe(ErrorCode.AUTH_REQUIRED);
    }
    const q = await call(net.url, "POST", "/v1/query", { json: { contract: "kv", fn: "get", args: ["seed"] } });
    expect(q.code).toBe(ErrorCode.AUTH_REQUIRED);
  });

  test("a signed read works", async () => {
    const r = await call(net.url, "GET", "/v1/status", { signer: net.member });
    expect(r.status).toBe(200);
    expect((r.body as { chainId: string }).chainId).toBe(chainId);
    const q = await call(net.url, "POST", "/v1/query", {
      json: { contract: "kv", fn: "get", args: ["seed"] },
      signer: net.member,
    });
    expect(q.body).toMatchObject({ resultText: "1" });
  });

  test("bad request signatures are refused with their own codes", async () => {
    const stale = await call(net.url, "GET", "/v1/status", { signer: net.member, timeMs: Date.now() - 10 * 60_000 });
    expect(stale.status).toBe(401);
    expect(stale.code).toBe(ErrorCode.AUTH_INVALID);
    const ca = await createOrgCA({ orgId: "org1" });
    const cert = await issueCertificate({
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      commonName: "eve",
      orgId: "org1",
      role: "member",
    });
    const outsider = { certDer: certPemToDer(cert.certPem), keyPair: keyPairFromPem(cert.keyPem) };
    const unknown = await call(net.url, "GET", "/v1/status", { signer: outsider });
    expect(unknown.status).toBe(403);
    expect(unknown.code).toBe(ErrorCode.CERT_UNKNOWN_CA);
    // A signature for one path does not open another.
    const headers = (await import("@citychain/sdk")).signedRequestHeaders(net.member, "GET", "/v1/status");
    const res = await fetch(`${net.url}/v1/blocks/1`, { headers });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.AUTH_INVALID);
  });

  test("garbage auth headers are refused, never a crash", async () => {
    const garbage: Record<string, string>[] = [
      { "x-citychain-cert": "AAAA", "x-citychain-time": String(Date.now()), "x-citychain-signature": "AAAA" },
      { "x-citychain-cert": "!!!", "x-citychain-time": "soon", "x-citychain-signature": "x" },
      {
        "x-citychain-cert": bytesToBase64(net.member.certDer),
        "x-citychain-time": String(Date.now()),
        "x-citychain-signature": "",
      },
    ];
    for (const [i, headers] of garbage.entries()) {
      const res = await fetch(`${net.url}/v1/status`, { headers });
      const body = (await res.json()) as { error: { code: string } };
      expect(res.status, `case ${i}`).toBe(401);
      expect(body.error.code, `case ${i}`).toMatch(/^(AUTH_REQUIRED|AUTH_INVALID|CERT_INVALID)$/);
    }
    expect((await call(net.url, "GET", "/healthz")).status).toBe(200);
  });

  test("a revoked certificate cannot read", async () => {
    const carol = await net.issueMember("carol@org1");
    expect((await call(net.url, "GET", "/v1/status", { signer: carol })).status).toBe(200);
    await new CityChainClient({ url: net.url, identity: net.admin }).submitTransaction(
      "membership",
      "revoke",
      carol.certPem,
    );
    const r = await call(net.url, "GET", "/v1/status", { signer: carol });
    expect(r.status).toBe(403);
    expect(r.code).toBe(ErrorCode.CERT_REVOKED);
  });

  test("health, metrics and the OpenAPI document are open", async () => {
    expect((await call(net.url, "GET", "/healthz")).body).toEqual({ ok: true });
    const doc = (await call(net.url, "GET", "/openapi.json")).body as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ["/v1/txs", "/v1/txs/{id}", "/v1/query", "/v1/blocks/{heightOrHash}", "/v1/status", "/v1/stream"]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    const metrics = await call(net.url, "GET", "/metrics");
    expect(metrics.body as string).toContain("citychain_api_requests_total");
    expect(metrics.body as string).toContain("citychain_block_height");
  });
});

describe("errors always have the {error: {code, message}} shape", () => {
  const cases: {
    name: string;
    method: "GET" | "POST";
    path: string;
    opts?: Parameters<typeof call>[3];
    status: number;
    code: string;
  }[] = [
    { name: "unknown route", method: "GET", path: "/v2/nothing", status: 404, code: ErrorCode.NOT_FOUND },
    {
      name: "not JSON",
      method: "POST",
      path: "/v1/txs",
      opts: { body: "{nope" },
      status: 400,
      code: ErrorCode.REQUEST_INVALID,
    },
    {
      name: "empty JSON",
      method: "POST",
      path: "/v1/txs",
      opts: { body: "" },
      status: 400,
      code: ErrorCode.REQUEST_INVALID,
    },
    {
      name: "wrong media type",
      method: "POST",
      path: "/v1/txs",
      opts: { body: "x", contentType: "text/plain" },
      status: 415,
      code: ErrorCode.REQUEST_MEDIA_TYPE_UNSUPPORTED,
    },
    {
      name: "wrong body shape",
      method: "POST",
      path: "/v1/txs",
      opts: { json: { transaction: "AA==" } },
      status: 400,
      code: ErrorCode.REQUEST_INVALID,
    },
    {
      name: "not base64",
      method: "POST",
      path: "/v1/txs",
      opts: { json: { tx: "!!!" } },
      status: 400,
      code: ErrorCode.REQUEST_INVALID,
    },
    {
      name: "bad wait timeout",
      method: "POST",
      path: "/v1/txs?wait=true&timeoutMs=-1",
      opts: { json: { tx: "AA==" } },
      status: 400,
      code: ErrorCode.REQUEST_INVALID,
    },
    { name: "bad block ref", method: "GET", path: "/v1/blocks/abc", status: 400, code: ErrorCode.REQUEST_INVALID },
    { name: "block too high", method: "GET", path: "/v1/blocks/99999", status: 404, code: ErrorCode.BLOCK_NOT_FOUND },
    {
      name: "unknown block hash",
      method: "GET",
      path: `/v1/blocks/${"ab".repeat(32)}`,
      status: 404,
      code: ErrorCode.BLOCK_NOT_FOUND,
    },
    { name: "bad tx id", method: "GET", path: "/v1/txs/xyz", status: 400, code: ErrorCode.REQUEST_INVALID },
    {
      name: "unknown tx",
      method: "GET",
      path: `/v1/txs/${"00".repeat(32)}`,
      status: 404,
      code: ErrorCode.TX_NOT_FOUND,
    },
    {
      name: "unknown contract",
      method: "POST",
      path: "/v1/query",
      opts: { json: { contract: "nope", fn: "get", args: [] } },
      status: 404,
      code: ErrorCode.CONTRACT_NOT_FOUND,
    },
    {
      name: "bad query args",
      method: "POST",
      path: "/v1/query",
      opts: { json: { contract: "kv", fn: "get", args: [1] } },
      status: 400,
      code: ErrorCode.REQUEST_INVALID,
    },
    {
      name: "contract refuses args",
      method: "POST",
      path: "/v1/query",
      opts: { json: { contract: "kv", fn: "get", args: [] } },
      status: 400,
      code: ErrorCode.CONTRACT_ARGS_INVALID,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await call(net.url, c.method, c.path, { ...c.opts, signer: net.member });
      expect(r.status).toBe(c.status);
      expect(r.code).toBe(c.code);
      expect((r.body as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
    });
  }

  test("a batch over the limit is 413 BATCH_TOO_LARGE", async () => {
    const r = await call(net.url, "POST", "/v1/txs", {
      json: { txs: new Array(SUBMIT_BATCH_TXS_MAX + 1).fill("AA==") },
    });
    expect(r.status).toBe(413);
    expect(r.code).toBe(ErrorCode.BATCH_TOO_LARGE);
  });

  test("a body over the limit is 413 REQUEST_TOO_LARGE", async () => {
    const r = await call(net.url, "POST", "/v1/txs", { body: `{"tx":"${"A".repeat(API_BODY_BYTES_MAX)}"}` });
    expect(r.status).toBe(413);
    expect(r.code).toBe(ErrorCode.REQUEST_TOO_LARGE);
  });
});

describe("blocks", () => {
  test("latest, by height, by hash and as CBOR agree", async () => {
    const latest = await client.getBlock("latest");
    const byHeight = await client.getBlock(latest.height);
    const byHash = await client.getBlock(latest.hash);
    expect(byHeight).toEqual(latest);
    expect(byHash).toEqual(latest);
    expect(latest.commit?.blockHash).toBe(latest.hash);
    const bytes = await client.getBlockBytes(latest.height);
    const block = decodeBlock(bytes);
    expect(bytesToHex(blockHash(block.header))).toBe(latest.hash);
    expect(block.txs.length).toBe(latest.txs.length);
    const first = await client.getBlock(1);
    expect(first.txs[0]).toMatchObject({ contract: "kv", fn: "put", code: "OK" });
    expect(first.txs[0].signers[0].orgId).toBe("org1");
  });
});

describe("public-read mode", () => {
  let pub: TestNetwork;
  beforeAll(async () => {
    pub = await startTestNetwork("public-read");
    await new CityChainClient({ url: pub.url, identity: pub.member }).submitTransaction("kv", "put", "open", "data");
  });
  afterAll(async () => {
    await pub?.stop();
  });

  test("anyone reads without signing", async () => {
    const anon = new CityChainClient({ url: pub.url });
    expect((await anon.status()).mode).toBe("public-read");
    expect(new TextDecoder().decode(await anon.evaluateTransaction("kv", "get", "open"))).toBe("data");
    expect((await anon.getBlock(1)).height).toBe(1);
  });

  test("writing still needs a member", async () => {
    const anon = new CityChainClient({ url: pub.url });
    await expect(anon.submitTransaction("kv", "put", "x", "y")).rejects.toMatchObject({
      code: ErrorCode.AUTH_REQUIRED,
    });
  });
});

describe("private mode", () => {
  let priv: TestNetwork;
  beforeAll(async () => {
    priv = await startTestNetwork("private");
  });
  afterAll(async () => {
    await priv?.stop();
  });

  test("reads need a member, as in alliance mode", async () => {
    expect((await call(priv.url, "GET", "/v1/status")).code).toBe(ErrorCode.AUTH_REQUIRED);
    expect((await call(priv.url, "GET", "/v1/status", { signer: priv.member })).status).toBe(200);
  });
});
