import type { Ledger } from "@citychain/ledger";
import {
  bytesToBase64,
  bytesToHex,
  CityChainError,
  ErrorCode,
  encode,
  encodeResultLeaf,
  merkleProof,
  resultLeafOf,
  type TxProof,
} from "@citychain/protocol";
import { type CommitView, commitView, type HeaderView, headerView } from "./views.ts";

/**
 * Builds the proof that the transaction at (height, index) and its result are
 * in a committed block: Merkle paths over the block's transactions and over
 * the result leaves, plus the header and its commit certificate.
 */
export function buildTxProof(ledger: Ledger, height: number, index: number): TxProof {
  const block = ledger.getBlock(height);
  const commit = ledger.getCommit(height);
  const results = ledger.getResults(height);
  if (!block || !commit || results.length !== block.txs.length || index >= block.txs.length) {
    throw new CityChainError(
      { code: ErrorCode.LEDGER_CORRUPT },
      `block ${height} is incomplete in the ledger (block, commit or results missing)`,
    );
  }
  const leaves = results.map((r) => encodeResultLeaf(resultLeafOf(r)));
  return {
    height,
    index,
    tx: block.txs[index],
    txPath: merkleProof(block.txs, index),
    result: resultLeafOf(results[index]),
    resultPath: merkleProof(leaves, index),
    header: block.header,
    commit,
  };
}

/** Canonical CBOR of a proof: what a verifier should check, byte for byte. */
export function encodeTxProof(proof: TxProof): Uint8Array {
  return encode(proof);
}

export interface MerkleProofView {
  index: number;
  size: number;
  path: string[];
}

export interface TxProofView {
  height: number;
  index: number;
  tx: string;
  txPath: MerkleProofView;
  result: { code: string; returnHash: string; events: { contract: string; name: string; payload: string }[] };
  resultPath: MerkleProofView;
  header: HeaderView;
  commit: CommitView;
}

/** The same proof as readable JSON (hashes hex, bytes base64). */
export function txProofView(p: TxProof): TxProofView {
  const path = (m: TxProof["txPath"]): MerkleProofView => ({
    index: m.index,
    size: m.size,
    path: m.path.map(bytesToHex),
  });
  return {
    height: p.height,
    index: p.index,
    tx: bytesToBase64(p.tx),
    txPath: path(p.txPath),
    result: {
      code: p.result.code,
      returnHash: bytesToHex(p.result.returnHash),
      events: p.result.events.map((e) => ({ contract: e.contract, name: e.name, payload: bytesToBase64(e.payload) })),
    },
    resultPath: path(p.resultPath),
    header: headerView(p.header),
    commit: commitView(p.commit),
  };
}
