import { randomBytes } from "node:crypto";
import { type CertSigner, signTx } from "@citychain/crypto";
import {
  bytesToHex,
  CityChainError,
  ErrorCode,
  encodeSignedTx,
  encodeTxBody,
  type TxBody,
  txIdOfBody,
} from "@citychain/protocol";

/** Random bytes per transaction so two identical calls get distinct ids. */
export const TX_NONCE_BYTES = 16;

/** What a transaction does and until when it may be included. */
export interface TxRequest {
  chainId: string;
  contract: string;
  fn: string;
  args: string[];
  /** Last height at which a block may include it. */
  expiresAt: number;
  /** Default: TX_NONCE_BYTES random bytes. */
  nonce?: Uint8Array;
}

export interface BuiltTx {
  /** The encoded SignedTx, ready for POST /v1/txs. */
  bytes: Uint8Array;
  /** Transaction id, lower-case hex. */
  id: string;
}

/**
 * Encodes and signs a transaction. Every signer (a LoadedIdentity or any
 * certificate and key) signs the same id; policies that need several parties
 * get several signatures.
 */
export function buildSignedTx(req: TxRequest, signers: readonly CertSigner[]): BuiltTx {
  if (signers.length === 0) {
    throw new CityChainError(
      { code: ErrorCode.TX_SIGNATURE_MISSING },
      "buildSignedTx needs at least one signer identity",
    );
  }
  const body: TxBody = {
    chainId: req.chainId,
    contract: req.contract,
    fn: req.fn,
    args: [...req.args],
    nonce: req.nonce ?? new Uint8Array(randomBytes(TX_NONCE_BYTES)),
    expiresAt: req.expiresAt,
  };
  const bodyBytes = encodeTxBody(body);
  const id = txIdOfBody(bodyBytes);
  const bytes = encodeSignedTx({ body: bodyBytes, sigs: signers.map((s) => signTx(s, id)) });
  return { bytes, id: bytesToHex(id) };
}
