import type { Block, BlockHeader, Commit, ContractEvent, Tx, TxResult, Validator } from "./types.ts";

/**
 * The one boundary between the engine that orders blocks (solo producer now,
 * BFT consensus later) and the state machine that executes them, in the
 * spirit of CometBFT's ABCI and Lisk's ABI. The engine never looks inside a
 * transaction; the application never decides what is final.
 */
export interface Application {
  /** Chain facts the engine needs at start and after every commit. */
  info(): AppInfo;

  /**
   * The validators whose precommits finalize `height`. Changes decided in
   * block H govern from H+2, so the set of the tip's next two heights is known.
   */
  validatorsAt(height: number): Validator[];

  /**
   * Admission to the mempool: size, decoding, chain id, expiry, duplicates,
   * signatures, certificates, access rules. One entry per input, in order:
   * the decoded transaction, or the coded error that rejects it.
   */
  checkTxs(txs: Uint8Array[], opts?: { timeMs?: number }): Promise<CheckTxOutcome[]>;

  /**
   * Proposer: choose transactions from candidates and build the block. Also
   * names candidates that can never be included (expired, revoked signer…)
   * so the engine can evict them from its mempool and tell their clients.
   */
  prepareProposal(req: ProposalRequest): Promise<PreparedProposal>;

  /** Validator: accept only a block this application would have built. */
  processProposal(block: Block): Promise<ProcessProposalOutcome>;

  /** Execute a decided block; returns what commit() will persist. */
  finalizeBlock(block: Block): Promise<BlockExecution>;

  /** Persist the block, its commit certificate and its execution atomically. */
  commit(block: Block, commit: Commit, execution: BlockExecution): Promise<void>;

  /** Read-only call against committed state. */
  query(req: QueryRequest): Promise<Uint8Array>;
}

export interface AppInfo {
  chainId: string;
  height: number;
  lastBlockHash: Uint8Array;
  lastBlockTimeMs: number;
  /** State after the last committed block. */
  appHash: Uint8Array;
  validators: Validator[];
}

export type CheckTxOutcome = { ok: true; tx: Tx } | { ok: false; code: string; message: string };

export interface ProposalRequest {
  height: number;
  timeMs: number;
  proposer: Uint8Array;
  prevHash: Uint8Array;
  /** Candidates from the mempool, in the order the proposer prefers. */
  txs: Tx[];
}

export interface PreparedProposal {
  block: Block;
  dropped: { idHex: string; code: string; message: string }[];
}

export type ProcessProposalOutcome = { accept: true } | { accept: false; code: string; reason: string };

export interface BlockExecution {
  header: BlockHeader;
  blockHash: Uint8Array;
  txIds: Uint8Array[];
  results: TxResult[];
  /** State hash after this block (goes in the next header's appHash). */
  appHashAfter: Uint8Array;
  events: ExecutedEvent[];
}

export interface ExecutedEvent extends ContractEvent {
  height: number;
  txIndex: number;
  txId: Uint8Array;
}

export interface QueryRequest {
  contract: string;
  fn: string;
  args: string[];
  /** DER certificate of the authenticated requester, when there is one: contracts see it as the caller. */
  callerCert?: Uint8Array;
  /** Transient data (Fabric's transient map), for contracts that read private data. */
  transient?: ReadonlyArray<readonly [string, Uint8Array]>;
}
