import { generateKeyPair, sign } from "@citychain/crypto";
import { bytesToBase64, bytesToUtf8, ErrorCode, encode, voteSignBytes } from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "./fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await createFixture();
});
afterAll(async () => {
  await f.close();
});

function vote(key: Parameters<typeof sign>[0], validator: Uint8Array, blockHash: Uint8Array | null) {
  const height = 7;
  const round = 1;
  const signature = sign(key, voteSignBytes(f.genesis.chainId, "precommit", height, round, blockHash));
  return { type: "precommit", height, round, blockHash, validator, signature };
}

describe("evidence system contract", () => {
  it("records a validator's two conflicting signed votes once, and refuses forged or non-conflicting ones", async () => {
    const app = await f.openApp();
    const v = f.validators[0];
    const evidence = {
      type: "duplicateVote",
      voteA: vote(f.nodeKey, v.address, new Uint8Array(32).fill(1)),
      voteB: vote(f.nodeKey, v.address, new Uint8Array(32).fill(2)),
    };
    const arg = bytesToBase64(encode(evidence));
    const ok = f.tx([f.member2], "evidence", "submit", [arg]);
    const again = f.tx([f.member1], "evidence", "submit", [arg]);
    const forged = f.tx([f.member1], "evidence", "submit", [
      bytesToBase64(
        encode({ ...evidence, voteB: vote(generateKeyPair("ed25519"), v.address, new Uint8Array(32).fill(3)) }),
      ),
    ]);
    const same = f.tx([f.member1], "evidence", "submit", [
      bytesToBase64(encode({ ...evidence, voteB: evidence.voteA })),
    ]);
    await f.commitBlock(app, [ok.bytes, again.bytes, forged.bytes, same.bytes]);
    const codes = [ok, again, forged, same].map((t) => f.lastLedger().getTxLocation(t.id)?.code);
    expect(codes).toEqual([
      "OK",
      ErrorCode.TX_DUPLICATE,
      ErrorCode.CONTRACT_ARGS_INVALID,
      ErrorCode.CONTRACT_ARGS_INVALID,
    ]);
    const list = JSON.parse(bytesToUtf8(await app.query({ contract: "evidence", fn: "list", args: [] })));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ validator: v.name, height: 7, round: 1, type: "precommit" });
  });
});
