import { generateKeyPair, sign } from "@citychain/crypto";
import {
  addressOf,
  bytesToUtf8,
  ErrorCode,
  isCityChainError,
  type TxProof,
  type Validator,
  voteSignBytes,
} from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestNetwork, type TestNetwork } from "../../node/test/test-network.ts";
import {
  buildSignedTx,
  CityChainClient,
  loadGenesis,
  type TrustAnchor,
  trustAnchorOf,
  verifyTxProof,
} from "../src/index.ts";

let net: TestNetwork;
let client: CityChainClient;
let anchor: TrustAnchor;
let proof: TxProof;
let txId: string;

beforeAll(async () => {
  net = await startTestNetwork("alliance");
  client = new CityChainClient({ url: net.url, identity: net.member });
  anchor = trustAnchorOf(await loadGenesis(net.layout.genesisFile));
  txId = (await client.submitTransaction("kv", "put", "proven", "value")).id;
  proof = await client.getProof(txId);
});

afterAll(async () => {
  await net?.stop();
});

/** A deep copy, so each tampering starts from the genuine proof. */
function copy(p: TxProof): TxProof {
  return structuredClone(p);
}

function expectInvalid(p: TxProof, check: string, a: TrustAnchor = anchor): void {
  let err: unknown;
  try {
    verifyTxProof(p, a);
  } catch (e) {
    err = e;
  }
  expect(isCityChainError(err), `tampering caught by '${check}'`).toBe(true);
  expect((err as { code: string }).code).toBe(ErrorCode.PROOF_INVALID);
  expect((err as Error).message).toContain(`'${check}'`);
}

describe("verifyTxProof", () => {
  test("a proof from the node verifies against the genesis validator set", () => {
    const { tx, result } = verifyTxProof(proof, anchor);
    expect(tx.body).toMatchObject({ contract: "kv", fn: "put", args: ["proven", "value"] });
    expect(result.code).toBe("OK");
    expect(bytesToUtf8(result.events[0].payload)).toBe("proven");
  });

  test("every transaction of a many-transaction block verifies at its own index", async () => {
    const height = net.node.ledger.latestHeight();
    const built = Array.from({ length: 7 }, (_, i) =>
      buildSignedTx(
        { chainId: anchor.chainId, contract: "kv", fn: "put", args: [`k${i}`, `v${i}`], expiresAt: height + 50 },
        [net.member],
      ),
    );
    const results = await client.submitRaw(
      built.map((b) => b.bytes),
      { wait: true },
    );
    expect(results.map((r) => r.code)).toEqual(built.map(() => "OK"));
    for (const b of built) {
      const p = await client.getProof(b.id);
      const { tx } = verifyTxProof(p, anchor);
      expect(tx.body.args[0], b.id).toBe(`k${built.indexOf(b)}`);
    }
  });

  test("a changed transaction byte fails the txRoot check", () => {
    const p = copy(proof);
    p.tx[p.tx.length - 5] ^= 1;
    expectInvalid(p, "txRoot");
  });

  test("a changed result code fails the resultsRoot check", () => {
    const p = copy(proof);
    p.result.code = ErrorCode.CONTRACT_FAILED;
    expectInvalid(p, "resultsRoot");
  });

  test("a changed event fails the resultsRoot check", () => {
    const p = copy(proof);
    p.result.events[0].payload = new TextEncoder().encode("other");
    expectInvalid(p, "resultsRoot");
  });

  test("a removed commit signature leaves too little power", () => {
    const p = copy(proof);
    p.commit.sigs = [];
    expectInvalid(p, "commit");
  });

  test("a forged commit signature does not verify", () => {
    const p = copy(proof);
    p.commit.sigs[0].sig[3] ^= 0x40;
    expectInvalid(p, "commit");
  });

  test("a signature by a key outside the validator set is refused", () => {
    const p = copy(proof);
    const key = generateKeyPair("ed25519");
    p.commit.sigs = [
      {
        validator: addressOf(key.publicKey),
        sig: sign(key, voteSignBytes(anchor.chainId, "precommit", p.height, p.commit.round, p.commit.blockHash)),
      },
    ];
    expectInvalid(p, "commit");
  });

  test("the same validator counted twice is refused", () => {
    const p = copy(proof);
    p.commit.sigs = [p.commit.sigs[0], p.commit.sigs[0]];
    expectInvalid(p, "commit");
  });

  test("a different validator set fails the validatorsHash check", () => {
    const key = generateKeyPair("ed25519");
    const other: Validator = {
      name: "x",
      orgId: "org9",
      alg: "ed25519",
      publicKey: key.publicKey,
      address: addressOf(key.publicKey),
      power: 10,
    };
    expectInvalid(proof, "validatorsHash", { chainId: anchor.chainId, validators: [other] });
    expectInvalid(proof, "validatorsHash", { chainId: anchor.chainId, validators: [...anchor.validators, other] });
  });

  test("a changed header fails the blockHash check", () => {
    const p = copy(proof);
    p.header.appHash[0] ^= 1;
    expectInvalid(p, "blockHash");
  });

  test("another chain id fails", () => {
    expectInvalid(proof, "chainId", { ...anchor, chainId: "other-chain" });
  });

  test("a path for another index fails", () => {
    const p = copy(proof);
    p.index = 1;
    expectInvalid(p, "index");
  });
});
