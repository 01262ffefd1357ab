import { describe, expect, it } from "vitest";
import { LruCache } from "../src/lru.ts";

describe("LruCache", () => {
  it("evicts the least recently used entry at the bound", () => {
    const c = new LruCache<string, number>(2);
    c.set("a", 1);
    c.set("b", 2);
    expect(c.get("a")).toBe(1); // "b" is now the oldest
    c.set("c", 3);
    expect(c.size).toBe(2);
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBe(1);
    expect(c.get("c")).toBe(3);
  });

  it("refuses a bound below one", () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
