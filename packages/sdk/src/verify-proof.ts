import { commitProblem, validatorsOf } from "@citychain/crypto";
import {
  blockHash,
  bytesEqual,
  CityChainError,
  decodeTx,
  ErrorCode,
  encodeResultLeaf,
  type Genesis,
  TX_BYTES_HARD_MAX,
  type Tx,
  type TxProof,
  type TxResultLeaf,
  type Validator,
  validatorsHashOf,
  verifyMerkleProof,
} from "@citychain/protocol";

/** What the verifier trusts: the chain id and the validator set (from the genesis it holds). */
export interface TrustAnchor {
  chainId: string;
  validators: readonly Validator[];
}

export interface VerifiedTx {
  tx: Tx;
  result: TxResultLeaf;
}

function invalid(check: string, message: string): never {
  throw new CityChainError({ code: ErrorCode.PROOF_INVALID }, `proof check '${check}' failed: ${message}`);
}

/**
 * Checks a transaction proof without trusting the node that served it:
 * the header belongs to the trusted chain and validator set, validators with
 * more than 2/3 of the voting power precommitted exactly this header, and the
 * transaction and its result sit at the same index under the header's
 * transaction and results roots. Returns the decoded transaction and result;
 * throws PROOF_INVALID naming the check that failed.
 */
export function verifyTxProof(proof: TxProof, anchor: TrustAnchor): VerifiedTx {
  const { header, commit } = proof;
  if (header.chainId !== anchor.chainId)
    invalid("chainId", `header is for chain '${header.chainId}', expected '${anchor.chainId}'`);
  if (header.height !== proof.height || commit.height !== proof.height) {
    invalid("height", `proof height ${proof.height}, header ${header.height}, commit ${commit.height} differ`);
  }
  const hash = blockHash(header);
  if (!bytesEqual(hash, commit.blockHash))
    invalid("blockHash", "the header's hash is not the block hash the commit signs");
  if (!bytesEqual(header.validatorsHash, validatorsHashOf(anchor.validators))) {
    invalid("validatorsHash", "the header names a different validator set than the trusted one");
  }
  verifyCommitSignatures(proof, anchor);
  if (proof.txPath.index !== proof.index || proof.resultPath.index !== proof.index) {
    invalid(
      "index",
      `paths are for leaves ${proof.txPath.index} and ${proof.resultPath.index}, proof says ${proof.index}`,
    );
  }
  if (proof.txPath.size !== proof.resultPath.size) {
    invalid("index", `transaction tree has ${proof.txPath.size} leaves but results tree ${proof.resultPath.size}`);
  }
  if (!verifyMerkleProof(proof.tx, proof.txPath, header.txRoot)) {
    invalid("txRoot", "the transaction bytes are not in the block's transaction root at this index");
  }
  if (!verifyMerkleProof(encodeResultLeaf(proof.result), proof.resultPath, header.resultsRoot)) {
    invalid("resultsRoot", "the result is not in the block's results root at this index");
  }
  let tx: Tx;
  try {
    tx = decodeTx(proof.tx, TX_BYTES_HARD_MAX);
  } catch (e) {
    invalid("tx", `the proven bytes are not a transaction: ${(e as Error).message}`);
  }
  if (tx.body.chainId !== anchor.chainId) invalid("chainId", `transaction is for chain '${tx.body.chainId}'`);
  return { tx, result: proof.result };
}

function verifyCommitSignatures(proof: TxProof, anchor: TrustAnchor): void {
  const problem = commitProblem(anchor.chainId, proof.commit, anchor.validators);
  if (problem) invalid("commit", problem);
}

/** The trust anchor a genesis gives: its chain id and validator set (keys from the validator certificates). */
export function trustAnchorOf(genesis: Genesis): TrustAnchor {
  return { chainId: genesis.chainId, validators: validatorsOf(genesis) };
}
