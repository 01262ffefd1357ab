import {
  CityChainError,
  decode,
  ErrorCode,
  HASH_BYTES,
  type MerkleProof,
  NAME_CHARS_MAX,
  parseCommit,
  parseEvent,
  parseHeader,
  Shape,
  TX_BYTES_HARD_MAX,
  type TxProof,
} from "@citychain/protocol";

/** Deepest Merkle path a proof may carry (2^64 leaves is beyond any block). */
const MERKLE_PATH_MAX = 64;
/** Largest encoded proof accepted: one maximal transaction plus paths, header and commit. */
export const TX_PROOF_BYTES_MAX = TX_BYTES_HARD_MAX + 2 * 1024 * 1024;

function merklePath(s: Shape, raw: unknown, field: string): MerkleProof {
  const o = s.object(raw, field, ["index", "size", "path"]);
  return {
    index: s.uint(o.index, `${field}.index`),
    size: s.uint(o.size, `${field}.size`),
    path: s
      .array(o.path, `${field}.path`, MERKLE_PATH_MAX)
      .map((p, i) => s.bytes(p, `${field}.path[${i}]`, HASH_BYTES, HASH_BYTES)),
  };
}

/** Decodes the canonical CBOR of a TxProof (`proofCbor` of GET /v1/txs/:id); throws PROOF_INVALID. */
export function decodeTxProof(bytes: Uint8Array): TxProof {
  let raw: unknown;
  try {
    raw = decode(bytes, TX_PROOF_BYTES_MAX);
  } catch (e) {
    throw new CityChainError({ code: ErrorCode.PROOF_INVALID }, `proof bytes do not decode: ${(e as Error).message}`);
  }
  const s = new Shape(ErrorCode.PROOF_INVALID, "proof");
  const p = s.object(raw, "proof", ["height", "index", "tx", "txPath", "result", "resultPath", "header", "commit"]);
  const r = s.object(p.result, "result", ["code", "returnHash", "events"]);
  return {
    height: s.uint(p.height, "height"),
    index: s.uint(p.index, "index"),
    tx: s.bytes(p.tx, "tx", 1, TX_BYTES_HARD_MAX),
    txPath: merklePath(s, p.txPath, "txPath"),
    result: {
      code: s.string(r.code, "result.code", NAME_CHARS_MAX),
      returnHash: s.bytes(r.returnHash, "result.returnHash", HASH_BYTES, HASH_BYTES),
      events: s.array(r.events, "result.events", 100_000).map((e, i) => parseEvent(e, s, `result.events[${i}]`)),
    },
    resultPath: merklePath(s, p.resultPath, "resultPath"),
    header: parseHeader(p.header, s),
    commit: parseCommit(p.commit, s),
  };
}
