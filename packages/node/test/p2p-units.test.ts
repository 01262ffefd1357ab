import { ErrorCode, encode } from "@citychain/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  decodeMessage,
  encodeFrame,
  FrameDecoder,
  keepNewerConnection,
  SeenCache,
  SendQueue,
} from "../src/p2p/index.ts";
import { Listeners } from "../src/p2p/listeners.ts";
import { StrikeBook } from "../src/p2p/strikes.ts";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe("frames", () => {
  it("round-trip any split of any sequence of frames", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => encodeFrame(p, 1024)));
          const d = new FrameDecoder(1024);
          const out: Buffer[] = [];
          let at = 0;
          // Bounded: each step consumes at least one byte.
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length];
            out.push(...d.push(stream.subarray(at, at + n)));
            at += n;
          }
          expect(out.map((b) => [...b])).toEqual(payloads.map((p) => [...p]));
          expect(d.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it("refuses a length prefix over the limit before its payload arrives", () => {
    const d = new FrameDecoder(100);
    expect(codeOf(() => d.push(Buffer.from([0, 0, 0, 101])))).toBe(ErrorCode.P2P_FRAME_TOO_LARGE);
    expect(new FrameDecoder(100).push(Buffer.from([0, 0, 0, 100]))).toEqual([]);
  });

  it("refuses to encode a frame over the limit", () => {
    expect(codeOf(() => encodeFrame(new Uint8Array(11), 10))).toBe(ErrorCode.P2P_FRAME_TOO_LARGE);
    expect(encodeFrame(new Uint8Array(10), 10).length).toBe(14);
  });
});

describe("messages", () => {
  it("accept a canonical map with a type", () => {
    expect(decodeMessage(encode({ type: "x", n: 1 }), 100)).toEqual({ type: "x", n: 1 });
  });

  const bad: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["not CBOR", new Uint8Array([0xff])],
    ["an array", encode([1])],
    ["bytes", encode(new Uint8Array([1]))],
    ["no type", encode({ kind: "x" })],
    ["empty type", encode({ type: "" })],
    ["long type", encode({ type: "x".repeat(65) })],
    ["non-canonical", new Uint8Array([0xa1, 0x64, 0x74, 0x79, 0x70, 0x65, 0x78, 0x01, 0x61])],
  ];
  for (const [name, bytes] of bad) {
    it(`refuse ${name}`, () => {
      expect(
        codeOf(() => decodeMessage(bytes, 100)),
        name,
      ).toBe(ErrorCode.P2P_MESSAGE_INVALID);
    });
  }
});

describe("SendQueue", () => {
  it("holds at most its bounds in messages and bytes, in order", () => {
    const q = new SendQueue({ messagesMax: 3, bytesMax: 10 });
    expect(q.push(Buffer.alloc(4, 1))).toBe(true);
    expect(q.push(Buffer.alloc(4, 2))).toBe(true);
    expect(q.push(Buffer.alloc(4, 3))).toBe(false); // 12 bytes > 10
    expect(q.push(Buffer.alloc(1, 4))).toBe(true);
    expect(q.push(Buffer.alloc(1, 5))).toBe(false); // 4 messages > 3
    expect([q.length, q.bytes]).toEqual([3, 9]);
    expect([q.shift()?.[0], q.shift()?.[0], q.shift()?.[0], q.shift()]).toEqual([1, 2, 4, undefined]);
    expect([q.length, q.bytes]).toEqual([0, 0]);
  });
});

describe("backoff", () => {
  const o = { delayMsMin: 100, delayMsMax: 5_000, jitterRatio: 0, random: () => 0.5 };
  it("doubles from the minimum up to the maximum", () => {
    expect([0, 1, 2, 3, 5, 6, 100].map((a) => backoffDelayMs(a, o))).toEqual([100, 200, 400, 800, 3_200, 5_000, 5_000]);
  });

  it("jitters within the ratio and never above the maximum", () => {
    fc.assert(
      fc.property(fc.nat(60), fc.double({ min: 0, max: 0.999, noNaN: true }), (attempt, r) => {
        const d = backoffDelayMs(attempt, { ...o, jitterRatio: 0.2, random: () => r });
        const base = Math.min(5_000, 100 * 2 ** Math.min(attempt, 31));
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(d).toBeLessThanOrEqual(5_000);
      }),
    );
  });
});

describe("SeenCache", () => {
  it("remembers each id once and forgets the oldest beyond its size", () => {
    const s = new SeenCache(2);
    expect([s.add("a"), s.add("a"), s.add("b"), s.add("c")]).toEqual([true, false, true, true]);
    expect([s.has("a"), s.has("b"), s.has("c"), s.size]).toEqual([false, true, true, 2]);
  });
});

describe("StrikeBook", () => {
  it("bans at the strike limit for the ban time, then starts over", () => {
    const b = new StrikeBook({ strikesMax: 2, banMs: 1_000 });
    expect(b.strike("fp", 0)).toEqual({ strikes: 1, banned: false });
    expect(b.strike("fp", 10)).toEqual({ strikes: 2, banned: true });
    expect(b.bannedForMs("fp", 500)).toBe(510);
    expect(b.bannedForMs("fp", 1_010)).toBe(0);
    expect(b.strikesOf("fp")).toBe(0);
  });
});

describe("keepNewerConnection", () => {
  it("keeps the connection dialled by the lower fingerprint, whichever end evaluates it", () => {
    const low = "0a";
    const high = "f1";
    // Node low sees: existing = its own dial (low), newer = the peer's dial (high), and vice versa.
    expect(keepNewerConnection(low, high)).toBe(false);
    expect(keepNewerConnection(high, low)).toBe(true);
    // The same dialler twice: the newer connection replaces a stale one.
    expect(keepNewerConnection(high, high)).toBe(true);
  });
});

describe("Listeners", () => {
  it("runs every handler even when one throws, and unsubscribes", () => {
    const errors: unknown[] = [];
    const got: number[] = [];
    const l = new Listeners<[number]>((e) => errors.push(e));
    l.add(() => {
      throw new Error("bug");
    });
    const off = l.add((n) => got.push(n));
    l.emit(1);
    off();
    l.emit(2);
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(2);
  });
});
