import { CityChainError, ErrorCode } from "@citychain/protocol";
import { describe, expect, it } from "vitest";
import { canSign, checkCanSign, type SignerState } from "../src/index.ts";
import { blockOf } from "./helpers.ts";

const A = blockOf("A").blockHash;
const B = blockOf("B").blockHash;
const last: SignerState = { height: 5, round: 2, step: "prevote", blockHash: A };

describe("signer state", () => {
  const cases: [string, SignerState, boolean][] = [
    ["first signature ever", { height: 1, round: 0, step: "proposal", blockHash: A }, true],
    ["later step, same round", { height: 5, round: 2, step: "precommit", blockHash: null }, true],
    ["later round", { height: 5, round: 3, step: "proposal", blockHash: B }, true],
    ["later height", { height: 6, round: 0, step: "prevote", blockHash: null }, true],
    ["the same vote again (re-send after restart)", { ...last }, true],
    ["a different value at the same step", { ...last, blockHash: B }, false],
    ["nil at the same step after a block", { ...last, blockHash: null }, false],
    ["an earlier step", { height: 5, round: 2, step: "proposal", blockHash: A }, false],
    ["an earlier round", { height: 5, round: 1, step: "precommit", blockHash: A }, false],
    ["an earlier height", { height: 4, round: 9, step: "precommit", blockHash: A }, false],
  ];
  for (const [name, next, ok] of cases) {
    it(`${ok ? "allows" : "refuses"} ${name}`, () => {
      expect(canSign(name === "first signature ever" ? undefined : last, next)).toBe(ok);
    });
  }

  it("refuses with a coded error", () => {
    try {
      checkCanSign(last, { ...last, blockHash: B });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CityChainError);
      expect((e as CityChainError).code).toBe(ErrorCode.CONSENSUS_SIGN_CONFLICT);
    }
  });
});
