import {
  commitProblem,
  parseValidatorSetChange,
  VALIDATOR_SET_EVENT,
  ValidatorSchedule,
  validatorsOf,
} from "@citychain/crypto";
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

/**
 * What the verifier trusts: the chain id and the validator set (from the
 * genesis it holds), and, once it has followed the chain's validator-set
 * changes (`followValidatorSets`), the set of every later height.
 */
export interface TrustAnchor {
  chainId: string;
  validators: readonly Validator[];
  schedule?: ValidatorSchedule;
}

function validatorsFor(anchor: TrustAnchor, height: number): readonly Validator[] {
  return anchor.schedule ? anchor.schedule.at(height) : anchor.validators;
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
  if (!bytesEqual(header.validatorsHash, validatorsHashOf(validatorsFor(anchor, header.height)))) {
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
  const problem = commitProblem(anchor.chainId, proof.commit, validatorsFor(anchor, proof.height));
  if (problem) invalid("commit", problem);
}

/** The trust anchor a genesis gives: its chain id and validator set (keys from the validator certificates). */
export function trustAnchorOf(genesis: Genesis): TrustAnchor {
  return {
    chainId: genesis.chainId,
    validators: validatorsOf(genesis),
    schedule: ValidatorSchedule.fromGenesis(genesis),
  };
}

/**
 * Extends a genesis anchor with the validator-set changes a node reports
 * (GET /v1/validator-sets), trusting none of them blindly: each change's
 * transaction proof must be signed by the set in force at its block (the
 * genesis set, or one this function already accepted), and its result must
 * carry the `validatorSetChanged` event. Changes must come in chain order.
 */
export function followValidatorSets(anchor: TrustAnchor, changes: readonly TxProof[]): TrustAnchor {
  if (!anchor.schedule) invalid("schedule", "the anchor must come from trustAnchorOf(genesis)");
  const schedule = anchor.schedule.clone();
  const followed: TrustAnchor = { ...anchor, schedule };
  for (const proof of changes) {
    const { result } = verifyTxProof(proof, followed);
    if (result.code !== "OK") invalid("validatorSet", `the transaction at height ${proof.height} failed`);
    const events = result.events.filter(
      (e) => e.contract === VALIDATOR_SET_EVENT.contract && e.name === VALIDATOR_SET_EVENT.name,
    );
    if (events.length === 0)
      invalid("validatorSet", `the transaction at height ${proof.height} changed no validator set`);
    for (const e of events) schedule.apply(parseValidatorSetChange(e.payload));
  }
  return followed;
}
