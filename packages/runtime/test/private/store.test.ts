import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSealKey, seal, unseal } from "@citychain/crypto";
import { Ledger } from "@citychain/ledger";
import { utf8ToBytes } from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrivateStore } from "../../src/private/store.ts";

describe("the sealed private store", () => {
  const dir = mkdtempSync(join(tmpdir(), "citychain-private-store-"));
  let ledger: Ledger;
  let store: PrivateStore;
  const key = generateSealKey();

  beforeAll(() => {
    ledger = Ledger.open(dir);
    store = new PrivateStore(ledger, key);
  });
  afterAll(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("seals with AES-256-GCM bound to where the value lives", () => {
    const sealed = seal(key, utf8ToBytes("secret"), utf8ToBytes("here"));
    expect(Buffer.from(unseal(key, sealed, utf8ToBytes("here"))).toString()).toBe("secret");
    expect(() => unseal(key, sealed, utf8ToBytes("elsewhere"))).toThrowError(
      expect.objectContaining({ code: "INTERNAL" }),
    );
    const tampered = new Uint8Array(sealed);
    tampered[14] ^= 1;
    expect(() => unseal(key, tampered, utf8ToBytes("here"))).toThrowError(
      expect.objectContaining({ code: "INTERNAL" }),
    );
    expect(() => unseal(generateSealKey(), sealed, utf8ToBytes("here"))).toThrow();
  });

  it("keeps values sealed, finds them by key, ranges in key order, and purges after blockToLive", async () => {
    for (const [k, v] of [
      ["b", "2"],
      ["a", "1"],
      ["c", "3"],
    ]) {
      await ledger.putPrivate(store.writesToPut("cc", "coll", k, utf8ToBytes(v), 10, k === "c" ? 5 : 0));
    }
    expect(Buffer.from(store.get("cc", "coll", "a") ?? []).toString()).toBe("1");
    expect(store.get("cc", "other", "a")).toBeUndefined();
    expect(store.range("cc", "coll", "a", "c", 10).map((e) => e.key)).toEqual(["a", "b"]);
    expect(store.range("cc", "coll", "", "", 2).map((e) => e.key)).toEqual(["a", "b"]);
    const raw = ledger.getPrivateRange({ limit: 100 });
    for (const e of raw) expect(Buffer.from(e.value).includes("secret")).toBe(false);
    // 'c' lives 5 blocks from height 10: still there at 14, gone at 15.
    expect(store.expiredAt(14, () => 5)).toEqual([]);
    const due = store.expiredAt(15, () => 5);
    expect(due.length).toBe(2);
    await ledger.putPrivate(due);
    expect(store.get("cc", "coll", "c")).toBeUndefined();
    expect(store.get("cc", "coll", "a")).toBeDefined();
  });
});
