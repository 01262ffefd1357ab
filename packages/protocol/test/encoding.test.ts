import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  blockHash,
  bytesToHex,
  CityChainError,
  decode,
  decodeBlock,
  decodeCommit,
  decodeTx,
  ErrorCode,
  encode,
  encodeBlock,
  encodeCommit,
  encodeSignedTx,
  encodeTxBody,
  hexToBytes,
  type SignedTx,
  type TxBody,
  txIdOfBody,
} from "../src/index.ts";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CityChainError) return e.code;
    throw e;
  }
  return undefined;
}

const valueArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.maxSafeInteger(),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 64 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 5 }),
  ),
})).value;

const bodyArb: fc.Arbitrary<TxBody> = fc.record({
  chainId: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  contract: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,30}$/),
  fn: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,30}$/),
  args: fc.array(fc.string({ maxLength: 50 }), { maxLength: 8 }),
  nonce: fc.uint8Array({ minLength: 8, maxLength: 32 }),
  expiresAt: fc.nat(),
});

describe("canonical encoding", () => {
  it("round-trips any value and re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const bytes = encode(v);
        const back = decode(bytes, 1 << 20);
        return bytesToHex(encode(back)) === bytesToHex(bytes);
      }),
    );
  });

  it("rejects non-canonical forms", () => {
    // {"b":1,"a":2} with keys out of canonical order
    expect(codeOf(() => decode(hexToBytes("a2616201616102"), 100))).toBe(ErrorCode.ENCODING_NON_CANONICAL);
    // integer 1 encoded in two bytes (non-minimal)
    expect(codeOf(() => decode(hexToBytes("1801"), 100))).toBe(ErrorCode.ENCODING_INVALID);
    // indefinite-length array
    expect(codeOf(() => decode(hexToBytes("9f01ff"), 100))).toBe(ErrorCode.ENCODING_INVALID);
    // duplicate map key
    expect(codeOf(() => decode(hexToBytes("a2616101616102"), 100))).toBe(ErrorCode.ENCODING_INVALID);
    // trailing garbage
    expect(codeOf(() => decode(hexToBytes("0100"), 100))).toBe(ErrorCode.ENCODING_INVALID);
    // undefined
    expect(codeOf(() => decode(hexToBytes("f7"), 100))).toBe(ErrorCode.ENCODING_INVALID);
  });

  it("refuses to parse anything over the size limit", () => {
    expect(codeOf(() => decode(encode("x".repeat(100)), 50))).toBe(ErrorCode.ENCODING_TOO_LARGE);
  });

  it("never throws anything but a coded error on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeTx(bytes, 1000);
        } catch (e) {
          return e instanceof CityChainError;
        }
        return true;
      }),
    );
  });
});

describe("transactions", () => {
  it("round-trip with a stable id", () => {
    fc.assert(
      fc.property(bodyArb, fc.uint8Array({ minLength: 64, maxLength: 64 }), (body, sig) => {
        const bodyBytes = encodeTxBody(body);
        const signed: SignedTx = { body: bodyBytes, sigs: [{ alg: "ed25519", publicKey: new Uint8Array(32), sig }] };
        const bytes = encodeSignedTx(signed);
        const tx = decodeTx(bytes, 1 << 20);
        expect(tx.body).toEqual(body);
        expect(bytesToHex(tx.id)).toBe(bytesToHex(txIdOfBody(bodyBytes)));
        expect(bytesToHex(tx.bytes)).toBe(bytesToHex(bytes));
      }),
    );
  });

  it("names the bad field", () => {
    const body = encodeTxBody({
      chainId: "c",
      contract: "kv",
      fn: "put",
      args: [],
      nonce: new Uint8Array(2),
      expiresAt: 1,
    });
    const bytes = encodeSignedTx({
      body,
      sigs: [{ alg: "ed25519", publicKey: new Uint8Array(32), sig: new Uint8Array(64) }],
    });
    expect(() => decodeTx(bytes, 1000)).toThrow(/body\.nonce/);
    const noSig = encodeSignedTx({ body, sigs: [] });
    expect(codeOf(() => decodeTx(noSig, 1000))).toBe(ErrorCode.TX_MALFORMED);
    expect(codeOf(() => decodeTx(new Uint8Array(2000), 1000))).toBe(ErrorCode.TX_TOO_LARGE);
    expect(codeOf(() => decodeTx(new Uint8Array([0xff, 0x00]), 1000))).toBe(ErrorCode.TX_DECODE_FAILED);
  });
});

describe("blocks and commits", () => {
  const hash = () => fc.uint8Array({ minLength: 32, maxLength: 32 });
  const headerArb = fc.record({
    chainId: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    height: fc.nat(),
    timeMs: fc.nat(),
    prevHash: hash(),
    txRoot: hash(),
    resultsRoot: hash(),
    appHash: hash(),
    validatorsHash: hash(),
    proposer: fc.uint8Array({ minLength: 20, maxLength: 20 }),
  });

  it("round-trip blocks and keep the hash", () => {
    fc.assert(
      fc.property(
        headerArb,
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 30 }), { maxLength: 5 }),
        (header, txs) => {
          const back = decodeBlock(encodeBlock({ header, txs }));
          return bytesToHex(blockHash(back.header)) === bytesToHex(blockHash(header)) && back.txs.length === txs.length;
        },
      ),
    );
  });

  it("round-trip commits", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        hash(),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (height, round, blockHash, sig) => {
          const commit = { height, round, blockHash, sigs: [{ validator: new Uint8Array(20), sig }] };
          expect(decodeCommit(encodeCommit(commit))).toEqual(commit);
        },
      ),
    );
  });

  it("reject a header with a wrong-sized hash", () => {
    const header = {
      chainId: "c",
      height: 1,
      timeMs: 1,
      prevHash: new Uint8Array(31),
      txRoot: new Uint8Array(32),
      resultsRoot: new Uint8Array(32),
      appHash: new Uint8Array(32),
      validatorsHash: new Uint8Array(32),
      proposer: new Uint8Array(20),
    };
    expect(() => decodeBlock(encodeBlock({ header, txs: [] }))).toThrow(/header\.prevHash/);
  });
});
