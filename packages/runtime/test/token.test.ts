import { bytesToUtf8, ErrorCode } from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "./fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await createFixture();
});
afterAll(async () => {
  await f.close();
});

describe("token sample contract", () => {
  it("mints by the org admin, moves between accounts, refuses overdrafts and foreign accounts, conserves the supply", async () => {
    const app = await f.openApp();
    const q = async (fn: string, ...args: string[]) => bytesToUtf8(await app.query({ contract: "token", fn, args }));
    await f.commitBlock(app, [
      f.tx([f.admin1], "token", "mint", ["org1/a", "100"]).bytes,
      f.tx([f.member1], "token", "mint", ["org1/a", "100"]).bytes,
      f.tx([f.member1], "token", "transfer", ["org1/a", "org2/b", "30"]).bytes,
      f.tx([f.member1], "token", "transfer", ["org1/a", "org2/b", "500"]).bytes,
      f.tx([f.member2], "token", "transfer", ["org1/a", "org2/b", "1"]).bytes,
      f.tx([f.member2], "token", "transfer", ["org2/b", "org1/a", "5"]).bytes,
      f.tx([f.member1], "token", "transfer", ["org1/a", "org2/b", "-1"]).bytes,
    ]);
    expect(await q("balance", "org1/a")).toBe("75");
    expect(await q("balance", "org2/b")).toBe("25");
    expect(await q("supply")).toBe("100");
    const results = app.info().height;
    expect(results).toBe(1);
  });

  it("gives each failure its code", async () => {
    const app = await f.openApp();
    await f.commitBlock(app, [f.tx([f.admin1], "token", "mint", ["org1/x", "10"]).bytes]);
    const denied = f.tx([f.member2], "token", "transfer", ["org1/x", "org2/y", "1"]);
    const overdraft = f.tx([f.member1], "token", "transfer", ["org1/x", "org2/y", "11"]);
    const badAmount = f.tx([f.member1], "token", "transfer", ["org1/x", "org2/y", "0"]);
    await f.commitBlock(app, [denied.bytes, overdraft.bytes, badAmount.bytes]);
    const ledgerCodes = [denied, overdraft, badAmount].map(
      (t) =>
        (app as unknown as { ledger: { getTxLocation(id: Uint8Array): { code: string } } }).ledger.getTxLocation(t.id)
          ?.code,
    );
    expect(ledgerCodes).toEqual([ErrorCode.ACCESS_DENIED, ErrorCode.CONTRACT_FAILED, ErrorCode.CONTRACT_ARGS_INVALID]);
    expect(bytesToUtf8(await app.query({ contract: "token", fn: "balance", args: ["org1/x"] }))).toBe("10");
  });
});
