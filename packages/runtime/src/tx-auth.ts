import type { Identity, MembershipVerifier, VerifyJob } from "@citychain/crypto";
import { type ChainParams, CityChainError, ErrorCode, type Genesis, type Tx, txSignBytes } from "@citychain/protocol";
import type { Caller } from "./contracts/contract.ts";

/**
 * Works out who signed a transaction and whether they may submit it, without
 * checking the signatures themselves (those go to the verification pool in
 * batches). Throws the coded error that rejects the transaction.
 */
export function authorise(
  tx: Tx,
  /** The chain's mode and the parameters in force (governance may have changed publicContracts). */
  genesis: Pick<Genesis, "mode"> & { params: Pick<ChainParams, "publicContracts"> },
  membership: MembershipVerifier,
  atTimeMs: number,
  isRevoked: (fingerprintHex: string) => boolean,
): { callers: Caller[]; jobs: VerifyJob[] } {
  const callers: Caller[] = [];
  const jobs: VerifyJob[] = [];
  const message = txSignBytes(tx.id);
  for (const sig of tx.sigs) {
    if (sig.cert) {
      const identity: Identity = membership.validate(sig.cert, atTimeMs, isRevoked);
      if (identity.alg !== sig.alg) {
        throw new CityChainError(
          { code: ErrorCode.TX_SIGNATURE_INVALID },
          `signature algorithm '${sig.alg}' does not match the certificate's key (${identity.alg})`,
        );
      }
      callers.push({ kind: "member", identity });
      jobs.push({ alg: identity.alg, publicKey: identity.publicKey, message, signature: sig.sig });
    } else if (sig.publicKey) {
      if (genesis.mode !== "public") {
        throw new CityChainError(
          { code: ErrorCode.ACCESS_DENIED },
          `this chain runs in '${genesis.mode}' mode: transactions must be signed with a member certificate, not a bare key`,
        );
      }
      if (!genesis.params.publicContracts.includes(tx.body.contract)) {
        throw new CityChainError(
          { code: ErrorCode.CONTRACT_PUBLIC_SUBMIT_DENIED },
          `contract '${tx.body.contract}' does not accept transactions from non-members; sign with a member certificate`,
        );
      }
      callers.push({ kind: "key", alg: sig.alg, publicKey: sig.publicKey });
      jobs.push({ alg: sig.alg, publicKey: sig.publicKey, message, signature: sig.sig });
    }
  }
  return { callers, jobs };
}
