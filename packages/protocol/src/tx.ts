import { bytesToHex, concatBytes, utf8ToBytes } from "./bytes.ts";
import { decode, encode } from "./encoding.ts";
import { decodeEndorsed } from "./endorsement.ts";
import { CityChainError, ErrorCode } from "./errors.ts";
import { sha256 } from "./hash.ts";
import {
  CERT_BYTES_MAX,
  NAME_CHARS_MAX,
  NONCE_BYTES_MAX,
  NONCE_BYTES_MIN,
  SIGNATURES_PER_TX_MAX,
  TX_ARGS_MAX,
} from "./limits.ts";
import type { SignatureAlgorithm, SignedTx, Tx, TxBody, TxSignature } from "./types.ts";
import { NAME_PATTERN, Shape } from "./validate.ts";

/** Domain tag: a transaction signature can never be replayed as another kind of signature. */
const TX_SIGN_DOMAIN = utf8ToBytes("citychain/tx/v1\n");
const ALGS: readonly SignatureAlgorithm[] = ["ed25519", "p256"];

export function encodeTxBody(body: TxBody): Uint8Array {
  return encode(body);
}

/** Transaction id: SHA-256 of the encoded body (the signed content). */
export function txIdOfBody(bodyBytes: Uint8Array): Uint8Array {
  return sha256(bodyBytes);
}

/** The message every signer of a transaction signs. */
export function txSignBytes(txId: Uint8Array): Uint8Array {
  return concatBytes(TX_SIGN_DOMAIN, txId);
}

export function encodeSignedTx(tx: SignedTx): Uint8Array {
  return encode(tx);
}

/**
 * Decodes and structurally validates a transaction. Does not check signatures
 * or certificates (that is the crypto layer's job) nor the chain id against the
 * node's (that is the application's).
 */
export function decodeTx(bytes: Uint8Array, txBytesMax: number): Tx {
  if (bytes.length > txBytesMax) {
    throw new CityChainError(
      { code: ErrorCode.TX_TOO_LARGE },
      `transaction is ${bytes.length} bytes, over the chain's limit of ${txBytesMax} bytes; store large payloads off chain and submit their hash`,
    );
  }
  let raw: unknown;
  try {
    raw = decode(bytes, txBytesMax);
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.TX_DECODE_FAILED },
      `transaction bytes do not decode: ${(e as Error).message}`,
    );
  }
  const s = new Shape(ErrorCode.TX_MALFORMED, "transaction");
  const top = s.object(raw, "tx", ["body", "sigs", "endorsed"]);
  const bodyBytes = s.bytes(top.body, "body", 1, txBytesMax);
  let rawBody: unknown;
  try {
    rawBody = decode(bodyBytes, txBytesMax);
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.TX_DECODE_FAILED },
      `transaction body does not decode: ${(e as Error).message}`,
    );
  }
  const b = s.object(rawBody, "body", ["chainId", "contract", "fn", "args", "nonce", "expiresAt"]);
  const body: TxBody = {
    chainId: s.string(b.chainId, "body.chainId", NAME_CHARS_MAX),
    contract: s.string(b.contract, "body.contract", NAME_CHARS_MAX, NAME_PATTERN),
    fn: s.string(b.fn, "body.fn", NAME_CHARS_MAX, NAME_PATTERN),
    args: s.array(b.args, "body.args", TX_ARGS_MAX).map((a, i) => s.string(a, `body.args[${i}]`, txBytesMax)),
    nonce: s.bytes(b.nonce, "body.nonce", NONCE_BYTES_MIN, NONCE_BYTES_MAX),
    expiresAt: s.uint(b.expiresAt, "body.expiresAt"),
  };
  const rawSigs = s.array(top.sigs, "sigs", SIGNATURES_PER_TX_MAX);
  if (rawSigs.length === 0) {
    throw new CityChainError(
      { code: ErrorCode.TX_SIGNATURE_MISSING },
      "transaction carries no signature; sign it with a member identity",
    );
  }
  const sigs: TxSignature[] = rawSigs.map((r, i) => {
    const o = s.object(r, `sigs[${i}]`, ["alg", "cert", "publicKey", "sig"]);
    const sig: TxSignature = {
      alg: s.oneOf(o.alg, `sigs[${i}].alg`, ALGS),
      sig: s.bytes(o.sig, `sigs[${i}].sig`, 1, 128),
    };
    if (o.cert !== undefined) sig.cert = s.bytes(o.cert, `sigs[${i}].cert`, 1, CERT_BYTES_MAX);
    if (o.publicKey !== undefined) sig.publicKey = s.bytes(o.publicKey, `sigs[${i}].publicKey`, 32, 91);
    if ((sig.cert === undefined) === (sig.publicKey === undefined)) {
      s.fail(`sigs[${i}]`, "must carry exactly one of 'cert' and 'publicKey'");
    }
    return sig;
  });
  const id = txIdOfBody(bodyBytes);
  const tx: Tx = { id, idHex: bytesToHex(id), body, bodyBytes, sigs, bytes };
  if (top.endorsed !== undefined) tx.endorsed = decodeEndorsed(top.endorsed, txBytesMax);
  return tx;
}
