import { base64ToBytes, bytesToHex, CityChainError, ErrorCode } from "@citychain/protocol";
import { decodeTxProof } from "./proof-codec.ts";
import { type TrustAnchor, verifyTxProof } from "./verify-proof.ts";

/** What the node's Digital Link resolver and drug verification answer with: facts, and proofs by transaction id. */
export interface ProvenAnswer {
  /** Transactions behind the answer (registration, recall, quarantine…). */
  txIds?: string[];
  events?: { txId: string; hash: string }[];
  /** Canonical-CBOR transaction proofs, base64, by transaction id. */
  proofs: Record<string, string>;
}

/** The supply-chain application's contract name on chain. */
export const SUPPLY_CHAIN_CONTRACT = "supplychain";

/**
 * Checks every transaction a resolver or verification answer relies on,
 * without trusting the node that served it: each must come with a proof that
 * verifies against the anchor (signed header, Merkle paths), have succeeded,
 * and be a call of the supply-chain contract. Returns how many were checked;
 * throws PROOF_INVALID naming the first that fails.
 */
export function verifyProvenance(answer: ProvenAnswer, anchor: TrustAnchor): number {
  const ids = [...new Set([...(answer.txIds ?? []), ...(answer.events ?? []).map((e) => e.txId)])];
  for (const id of ids) {
    const b64 = answer.proofs[id];
    if (!b64) {
      throw new CityChainError(
        { code: ErrorCode.PROOF_INVALID },
        `the answer names transaction ${id} without its proof`,
      );
    }
    const { tx, result } = verifyTxProof(decodeTxProof(base64ToBytes(b64)), anchor);
    if (bytesToHex(tx.id) !== id) {
      throw new CityChainError(
        { code: ErrorCode.PROOF_INVALID },
        `the proof given for ${id} is of transaction ${bytesToHex(tx.id)}`,
      );
    }
    if (result.code !== "OK" || tx.body.contract !== SUPPLY_CHAIN_CONTRACT) {
      throw new CityChainError(
        { code: ErrorCode.PROOF_INVALID },
        `transaction ${id} is not a successful ${SUPPLY_CHAIN_CONTRACT} call (${tx.body.contract}.${tx.body.fn}: ${result.code})`,
      );
    }
  }
  return ids.length;
}
