import { concatBytes, utf8ToBytes } from "./bytes.ts";
import { decode, encode } from "./encoding.ts";
import { CityChainError, ErrorCode } from "./errors.ts";
import { HASH_BYTES, sha256 } from "./hash.ts";
import { BLOCK_BYTES_HARD_MAX, NAME_CHARS_MAX } from "./limits.ts";
import { merkleRoot } from "./merkle.ts";
import type { Block, BlockHeader, Commit, ContractEvent, TxResult, TxResultLeaf, Validator } from "./types.ts";
import { Shape } from "./validate.ts";

export const ADDRESS_BYTES = 20;
const VOTE_SIGN_DOMAIN = utf8ToBytes("citychain/vote/v1\n");
const PROPOSAL_SIGN_DOMAIN = utf8ToBytes("citychain/proposal/v1\n");

export function blockHash(header: BlockHeader): Uint8Array {
  return sha256(encode(header));
}

export function encodeBlock(block: Block): Uint8Array {
  return encode(block);
}

export function txRootOf(txs: Uint8Array[]): Uint8Array {
  return merkleRoot(txs);
}

/** SHA-256 of no bytes: most transactions return nothing, so it is computed once. */
const EMPTY_RETURN_HASH = sha256();

export function resultLeafOf(result: TxResult): TxResultLeaf {
  const returnHash = result.returnValue.length === 0 ? EMPTY_RETURN_HASH : sha256(result.returnValue);
  return { code: result.code, returnHash, events: result.events };
}

export function encodeResultLeaf(leaf: TxResultLeaf): Uint8Array {
  return encode(leaf);
}

export function resultsRootOf(results: TxResult[]): Uint8Array {
  return merkleRoot(results.map((r) => encodeResultLeaf(resultLeafOf(r))));
}

/** Address of a validator: the first 20 bytes of SHA-256 of its public key. */
export function addressOf(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).subarray(0, ADDRESS_BYTES);
}

/** Hash of the validator set, independent of the order validators are listed in. */
export function validatorsHashOf(validators: readonly Validator[]): Uint8Array {
  const entries = validators
    .map((v) => ({ address: v.address, alg: v.alg, publicKey: v.publicKey, power: v.power }))
    .sort((a, b) => Buffer.compare(a.address, b.address));
  return sha256(encode(entries));
}

export type VoteType = "prevote" | "precommit";

/** What a validator signs when it votes; a precommit for a block hash is a commit signature. */
export function voteSignBytes(
  chainId: string,
  type: VoteType,
  height: number,
  round: number,
  blockHashOrNil: Uint8Array | null,
): Uint8Array {
  return concatBytes(
    VOTE_SIGN_DOMAIN,
    encode({ chainId, type, height, round, blockHash: blockHashOrNil ?? new Uint8Array(0) }),
  );
}

/** What a proposer signs when it proposes a block in a round (validRound -1: a fresh proposal). */
export function proposalSignBytes(
  chainId: string,
  height: number,
  round: number,
  blockHash: Uint8Array,
  validRound: number,
): Uint8Array {
  // validRound is shifted by one so that -1 encodes as an unsigned integer.
  return concatBytes(
    PROPOSAL_SIGN_DOMAIN,
    encode({ chainId, height, round, blockHash, validRoundPlusOne: validRound + 1 }),
  );
}

const HEADER_KEYS = [
  "chainId",
  "height",
  "timeMs",
  "prevHash",
  "txRoot",
  "resultsRoot",
  "appHash",
  "validatorsHash",
  "proposer",
] as const;

export function parseHeader(raw: unknown, s = new Shape(ErrorCode.BLOCK_DECODE_FAILED, "block header")): BlockHeader {
  const h = s.object(raw, "header", HEADER_KEYS);
  return {
    chainId: s.string(h.chainId, "header.chainId", NAME_CHARS_MAX),
    height: s.uint(h.height, "header.height"),
    timeMs: s.uint(h.timeMs, "header.timeMs"),
    prevHash: s.bytes(h.prevHash, "header.prevHash", HASH_BYTES, HASH_BYTES),
    txRoot: s.bytes(h.txRoot, "header.txRoot", HASH_BYTES, HASH_BYTES),
    resultsRoot: s.bytes(h.resultsRoot, "header.resultsRoot", HASH_BYTES, HASH_BYTES),
    appHash: s.bytes(h.appHash, "header.appHash", HASH_BYTES, HASH_BYTES),
    validatorsHash: s.bytes(h.validatorsHash, "header.validatorsHash", HASH_BYTES, HASH_BYTES),
    proposer: s.bytes(h.proposer, "header.proposer", ADDRESS_BYTES, ADDRESS_BYTES),
  };
}

export function decodeBlock(bytes: Uint8Array, blockBytesMax = BLOCK_BYTES_HARD_MAX): Block {
  let raw: unknown;
  try {
    raw = decode(bytes, blockBytesMax);
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.BLOCK_DECODE_FAILED },
      `block bytes do not decode: ${(e as Error).message}`,
    );
  }
  const s = new Shape(ErrorCode.BLOCK_DECODE_FAILED, "block");
  const b = s.object(raw, "block", ["header", "txs"]);
  const header = parseHeader(b.header, s);
  const txs = s.array(b.txs, "txs", 1_000_000).map((t, i) => s.bytes(t, `txs[${i}]`, 1));
  return { header, txs };
}

export function encodeCommit(commit: Commit): Uint8Array {
  return encode(commit);
}

export function parseCommit(raw: unknown, s = new Shape(ErrorCode.COMMIT_INVALID, "commit")): Commit {
  const c = s.object(raw, "commit", ["height", "round", "blockHash", "sigs"]);
  return {
    height: s.uint(c.height, "commit.height"),
    round: s.uint(c.round, "commit.round"),
    blockHash: s.bytes(c.blockHash, "commit.blockHash", HASH_BYTES, HASH_BYTES),
    sigs: s.array(c.sigs, "commit.sigs", 10_000).map((x, i) => {
      const o = s.object(x, `commit.sigs[${i}]`, ["validator", "sig"]);
      return {
        validator: s.bytes(o.validator, `commit.sigs[${i}].validator`, ADDRESS_BYTES, ADDRESS_BYTES),
        sig: s.bytes(o.sig, `commit.sigs[${i}].sig`, 1, 128),
      };
    }),
  };
}

export function decodeCommit(bytes: Uint8Array): Commit {
  let raw: unknown;
  try {
    raw = decode(bytes, 4 * 1024 * 1024);
  } catch (e) {
    throw new CityChainError({ code: ErrorCode.COMMIT_INVALID }, `commit bytes do not decode: ${(e as Error).message}`);
  }
  return parseCommit(raw);
}

export function encodeResult(result: TxResult): Uint8Array {
  return encode(result);
}

export function parseEvent(raw: unknown, s: Shape, field: string): ContractEvent {
  const e = s.object(raw, field, ["contract", "name", "payload"]);
  return {
    contract: s.string(e.contract, `${field}.contract`, NAME_CHARS_MAX),
    name: s.string(e.name, `${field}.name`, NAME_CHARS_MAX),
    payload: s.bytes(e.payload, `${field}.payload`),
  };
}

export function decodeResult(bytes: Uint8Array): TxResult {
  const s = new Shape(ErrorCode.LEDGER_CORRUPT, "tx result");
  const r = s.object(decode(bytes, BLOCK_BYTES_HARD_MAX), "result", ["code", "message", "returnValue", "events"]);
  return {
    code: s.string(r.code, "code", NAME_CHARS_MAX),
    message: s.string(r.message, "message", 64 * 1024),
    returnValue: s.bytes(r.returnValue, "returnValue"),
    events: s.array(r.events, "events", 100_000).map((e, i) => parseEvent(e, s, `events[${i}]`)),
  };
}
