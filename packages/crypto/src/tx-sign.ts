import { type TxSignature, txSignBytes } from "@citychain/protocol";
import { type KeyPair, sign } from "./keys.ts";

/** What signing as a member needs: the certificate (DER) and its key. */
export interface CertSigner {
  certDer: Uint8Array;
  keyPair: KeyPair;
}

/** A member's signature on a transaction: carries the certificate so nodes can check membership. */
export function signTx(signer: CertSigner, txId: Uint8Array): TxSignature {
  return { alg: signer.keyPair.alg, cert: signer.certDer, sig: sign(signer.keyPair, txSignBytes(txId)) };
}

/** A key-only signature (public mode): carries the raw public key instead of a certificate. */
export function signTxWithKey(keyPair: KeyPair, txId: Uint8Array): TxSignature {
  return { alg: keyPair.alg, publicKey: keyPair.publicKey, sig: sign(keyPair, txSignBytes(txId)) };
}
