import type { MembershipVerifier } from "@citychain/crypto";
import {
  type Block,
  type BlockHeader,
  blockHash,
  bytesToBase64,
  bytesToHex,
  type Commit,
  decodeTx,
  sha256,
  TX_BYTES_HARD_MAX,
  type TxResult,
  type TxSignature,
} from "@citychain/protocol";

/** JSON views of chain data: hashes and ids in lower-case hex, other bytes in base64. */

export interface HeaderView {
  chainId: string;
  height: number;
  timeMs: number;
  prevHash: string;
  txRoot: string;
  resultsRoot: string;
  appHash: string;
  validatorsHash: string;
  proposer: string;
}

export interface CommitView {
  height: number;
  round: number;
  blockHash: string;
  sigs: { validator: string; sig: string }[];
}

export interface SignerView {
  /** Identity id from the certificate, when it still validates. */
  id?: string;
  orgId?: string;
  /** SHA-256 of the certificate DER (or of the bare public key). */
  fingerprint: string;
  alg: string;
}

export interface TxSummaryView {
  id: string;
  contract: string;
  fn: string;
  signers: SignerView[];
  code: string;
}

export interface BlockView {
  height: number;
  hash: string;
  header: HeaderView;
  txs: TxSummaryView[];
  commit: CommitView | null;
}

export function headerView(h: BlockHeader): HeaderView {
  return {
    chainId: h.chainId,
    height: h.height,
    timeMs: h.timeMs,
    prevHash: bytesToHex(h.prevHash),
    txRoot: bytesToHex(h.txRoot),
    resultsRoot: bytesToHex(h.resultsRoot),
    appHash: bytesToHex(h.appHash),
    validatorsHash: bytesToHex(h.validatorsHash),
    proposer: bytesToHex(h.proposer),
  };
}

export function commitView(c: Commit): CommitView {
  return {
    height: c.height,
    round: c.round,
    blockHash: bytesToHex(c.blockHash),
    sigs: c.sigs.map((s) => ({ validator: bytesToHex(s.validator), sig: bytesToBase64(s.sig) })),
  };
}

/**
 * Who signed: the identity named in the certificate, validated at the block's
 * time (the certificate may have expired or been revoked since, which does
 * not change who signed then).
 */
export function signerView(sig: TxSignature, membership: MembershipVerifier, atTimeMs: number): SignerView {
  if (sig.cert) {
    const fingerprint = bytesToHex(sha256(sig.cert));
    try {
      const identity = membership.validate(sig.cert, atTimeMs, () => false);
      return { id: identity.id, orgId: identity.orgId, fingerprint: identity.fingerprintHex, alg: sig.alg };
    } catch {
      return { fingerprint, alg: sig.alg };
    }
  }
  return { fingerprint: bytesToHex(sha256(sig.publicKey ?? new Uint8Array(0))), alg: sig.alg };
}

export function txSummaries(block: Block, results: TxResult[], membership: MembershipVerifier): TxSummaryView[] {
  return block.txs.map((bytes, i) => {
    const tx = decodeTx(bytes, TX_BYTES_HARD_MAX);
    return {
      id: bytesToHex(tx.id),
      contract: tx.body.contract,
      fn: tx.body.fn,
      signers: tx.sigs.map((s) => signerView(s, membership, block.header.timeMs)),
      code: results[i]?.code ?? "UNKNOWN",
    };
  });
}

export function blockView(
  block: Block,
  commit: Commit | undefined,
  results: TxResult[],
  membership: MembershipVerifier,
): BlockView {
  return {
    height: block.header.height,
    hash: bytesToHex(blockHash(block.header)),
    header: headerView(block.header),
    txs: txSummaries(block, results, membership),
    commit: commit ? commitView(commit) : null,
  };
}

const PRINTABLE = /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}\t\r\n]*$/u;

/** The bytes as text when they are valid UTF-8 made of printable characters. */
export function printableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return PRINTABLE.test(text) ? text : undefined;
}
