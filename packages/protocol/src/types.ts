import type { MerkleProof } from "./merkle.ts";

export type Bytes = Uint8Array;

/**
 * Who may read and who may write.
 * - alliance: members of the organisations only, for reading and writing;
 * - private: one organisation runs the chain, members only;
 * - public-read: anyone reads, members write;
 * - public: anyone reads; anyone with a key may submit to contracts that allow it.
 */
export type ChainMode = "alliance" | "private" | "public-read" | "public";
export const CHAIN_MODES: readonly ChainMode[] = ["alliance", "private", "public-read", "public"];

export type SignatureAlgorithm = "ed25519" | "p256";

/** What a client signs. Encoded canonically; its hash is the transaction id. */
export interface TxBody {
  chainId: string;
  contract: string;
  fn: string;
  args: string[];
  /** Random bytes chosen by the client so identical calls get distinct ids. */
  nonce: Bytes;
  /** Last height at which the transaction may be included in a block. */
  expiresAt: number;
}

export interface TxSignature {
  alg: SignatureAlgorithm;
  /** DER X.509 certificate of the signer (member identities). */
  cert?: Bytes;
  /** Raw public key, for key-only signers in `public` mode. */
  publicKey?: Bytes;
  /** Signature over txSignBytes(id). */
  sig: Bytes;
}

/** A transaction as it travels: the encoded body plus its signatures. */
export interface SignedTx {
  body: Bytes;
  sigs: TxSignature[];
  /** Present on transactions simulated by member nodes (private data collections). */
  endorsed?: TxEndorsedWire;
}

/**
 * What a member node's simulation of a transaction read and wrote. Private
 * values never appear: a collection's writes are the SHA-256 of the value
 * under the SHA-256 of the key, in the contract's hashed key space.
 */
export interface RwSet {
  /** Full state keys read from committed state, with the SHA-256 of the value read (null: absent). */
  reads: { key: Bytes; hash: Bytes | null }[];
  /** Full state keys written (null: deleted). */
  writes: { key: Bytes; value: Bytes | null }[];
  events: { name: string; payload: Bytes }[];
  returnValue: Bytes;
}

/** A member node's signature over a transaction id and the hash of its read-write set. */
export interface Endorsement {
  alg: SignatureAlgorithm;
  /** DER X.509 node certificate of the endorser. */
  cert: Bytes;
  sig: Bytes;
}

export interface TxEndorsedWire {
  /** Canonical CBOR of the RwSet. */
  rwset: Bytes;
  endorsements: Endorsement[];
}

/** A decoded, structurally valid transaction. */
export interface Tx {
  id: Bytes;
  /** The id in lower-case hex, computed once (maps and logs key on it). */
  idHex: string;
  body: TxBody;
  bodyBytes: Bytes;
  sigs: TxSignature[];
  /** The exact bytes it arrived as (what the block commits to). */
  bytes: Bytes;
  endorsed?: { rwset: RwSet; rwsetHash: Bytes; endorsements: Endorsement[] };
}

export interface ContractEvent {
  contract: string;
  name: string;
  payload: Bytes;
}

/** Outcome of one transaction, as stored by the node. */
export interface TxResult {
  /** "OK" or an error code. */
  code: string;
  message: string;
  returnValue: Bytes;
  events: ContractEvent[];
}

/** What the results root commits to for each transaction. */
export interface TxResultLeaf {
  code: string;
  returnHash: Bytes;
  events: ContractEvent[];
}

export interface BlockHeader {
  chainId: string;
  height: number;
  timeMs: number;
  prevHash: Bytes;
  txRoot: Bytes;
  resultsRoot: Bytes;
  /** State after the previous block. */
  appHash: Bytes;
  validatorsHash: Bytes;
  /** Address of the proposing validator. */
  proposer: Bytes;
}

export interface Block {
  header: BlockHeader;
  /** Encoded SignedTx, in execution order. */
  txs: Bytes[];
}

export interface CommitSig {
  validator: Bytes;
  sig: Bytes;
}

/** The commit certificate: precommits of validators for one block. */
export interface Commit {
  height: number;
  round: number;
  blockHash: Bytes;
  sigs: CommitSig[];
}

export interface Validator {
  name: string;
  orgId: string;
  alg: SignatureAlgorithm;
  publicKey: Bytes;
  /** First 20 bytes of SHA-256 of the public key. */
  address: Bytes;
  power: number;
}

export interface ChainParams {
  blockBytesMax: number;
  blockTxsMax: number;
  txBytesMax: number;
  /** A transaction may expire at most this many heights after the current one. */
  txExpiryWindowMax: number;
  /** Maximum number of transactions waiting in a node's mempool. */
  mempoolTxsMax: number;
  /** Solo and BFT: how long the proposer waits for more transactions. */
  blockIntervalMs: number;
  /** An empty block is made after this long without transactions (0: never). */
  emptyBlockIntervalMs: number;
  timeoutProposeMs: number;
  timeoutPrevoteMs: number;
  timeoutPrecommitMs: number;
  timeoutDeltaMs: number;
  timeoutCommitMs: number;
  /** Contracts that key-only (non-member) signers may call in `public` mode. */
  publicContracts: string[];
}

export interface Organisation {
  id: string;
  name: string;
  /** PEM root CA certificates. */
  caCerts: string[];
}

export interface GenesisValidator {
  name: string;
  orgId: string;
  /** PEM node certificate; its key is the validator key. */
  cert: string;
  power: number;
}

export interface Genesis {
  chainId: string;
  genesisTimeMs: number;
  mode: ChainMode;
  orgs: Organisation[];
  validators: GenesisValidator[];
  params: ChainParams;
}

/** Proof that a transaction and its result are in a committed block. */
export interface TxProof {
  height: number;
  index: number;
  tx: Bytes;
  txPath: MerkleProof;
  result: TxResultLeaf;
  resultPath: MerkleProof;
  header: BlockHeader;
  commit: Commit;
}
