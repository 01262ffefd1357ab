import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import { bytesToBase64, decodeTx, encodeRwSet, encodeSignedTx } from "@citychain/protocol";
import { buildSignedTx, CityChainClient, HttpTransport } from "@citychain/sdk";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CityChainNode, initNetwork, type NetworkLayout } from "../src/index.ts";

/** Bad input to the private-data routes: each answered with its code, nothing submitted. */
describe("endorsement and private-data routes refuse bad input", () => {
  let dir: string;
  let layout: NetworkLayout;
  let node: CityChainNode;
  let asMember: HttpTransport;
  let tx: Uint8Array;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "citychain-private-api-"));
    layout = await initNetwork({ dir, orgs: ["pharma", "hospital"], validators: 1 });
    node = await CityChainNode.start({
      home: layout.orgs[0].nodeHome,
      apiPort: 0,
      logger: pino({ level: "silent" }),
      verifyThreads: 1,
      noP2P: true,
    });
    const member = await loadIdentity(layout.orgs[0].identities.member);
    asMember = new HttpTransport(node.apiUrl, member);
    const status = await new CityChainClient({ url: node.apiUrl, identity: member }).status();
    tx = buildSignedTx(
      {
        chainId: status.chainId,
        contract: "supplychain",
        fn: "Epcis:KeepConfidential",
        args: [],
        expiresAt: status.height + 50,
      },
      [member],
    ).bytes;
  });

  afterAll(async () => {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const endorse = (json: unknown, via = asMember) => via.json({ method: "POST", path: "/v1/txs/endorse", json });

  it("answers each bad request with its code", async () => {
    const other = new HttpTransport(node.apiUrl, await loadIdentity(layout.orgs[1].identities.member));
    const status = await new CityChainClient({ url: node.apiUrl }).status().catch(() => undefined);
    const kvTx = buildSignedTx(
      {
        chainId: node.genesis.chainId,
        contract: "kv",
        fn: "put",
        args: ["k", "v"],
        expiresAt: (status?.height ?? 0) + 50,
      },
      [await loadIdentity(layout.orgs[0].identities.member)],
    ).bytes;
    const decoded = decodeTx(tx, 1 << 20);
    const endorsedAlready = encodeSignedTx({
      body: decoded.bodyBytes,
      sigs: decoded.sigs,
      endorsed: {
        rwset: encodeRwSet({ reads: [], writes: [], events: [], returnValue: new Uint8Array(0) }),
        endorsements: [{ alg: "ed25519", cert: new Uint8Array([1]), sig: new Uint8Array([1]) }],
      },
    });
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "AA=="]));
    const cases: [string, () => Promise<unknown>, string][] = [
      ["no body fields", () => endorse({}), "REQUEST_INVALID"],
      ["a tx that is not base64", () => endorse({ tx: "!!" }), "REQUEST_INVALID"],
      ["bytes that are not a transaction", () => endorse({ tx: "AAAA" }), "TX_DECODE_FAILED"],
      [
        "a request signed by someone other than the transaction's signer",
        () => endorse({ tx: bytesToBase64(tx) }, other),
        "AUTH_INVALID",
      ],
      ["too much transient data", () => endorse({ tx: bytesToBase64(tx), transient: tooMany }), "REQUEST_TOO_LARGE"],
      [
        "a contract that is neither deployed nor an application",
        () => endorse({ tx: bytesToBase64(kvTx) }),
        "CONTRACT_NOT_FOUND",
      ],
      [
        "an already endorsed transaction",
        () => endorse({ tx: bytesToBase64(endorsedAlready) }),
        "TX_ENDORSEMENT_INVALID",
      ],
      ["missing transient data the contract needs", () => endorse({ tx: bytesToBase64(tx) }), "APP_ARGS_INVALID"],
      [
        "the hash of an unknown collection",
        () => asMember.json({ method: "GET", path: "/v1/contracts/supplychain/collections/nope/hash?key=k" }),
        "PRIVATE_COLLECTION_UNKNOWN",
      ],
      [
        "a hash nobody wrote",
        () =>
          asMember.json({
            method: "GET",
            path: "/v1/contracts/supplychain/collections/confidential-pharma/hash?key=k",
          }),
        "NOT_FOUND",
      ],
    ];
    for (const [what, call, code] of cases) {
      await expect(call(), what).rejects.toMatchObject({ code });
    }
    // Nothing reached the mempool or a block.
    expect(node.mempool.size).toBe(0);
  });
});
