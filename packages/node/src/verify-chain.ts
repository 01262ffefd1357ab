import { join } from "node:path";
import { commitProblem, parseCertificate, ValidatorSchedule, type VerifyJob, VerifyPool } from "@citychain/crypto";
import { Ledger } from "@citychain/ledger";
import {
  type Block,
  blockHash,
  bytesEqual,
  bytesToHex,
  type Commit,
  decodeBlock,
  decodeCommit,
  decodeTx,
  ErrorCode,
  type Genesis,
  resultsRootOf,
  TX_BYTES_HARD_MAX,
  type TxResult,
  txRootOf,
  txSignBytes,
  type Validator,
  ZERO_HASH,
} from "@citychain/protocol";
import { parseGenesis } from "@citychain/runtime";
import { DATA_DIR, readGenesisFile } from "./config.ts";

export interface ChainFault {
  height: number;
  code: string;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  chainId: string;
  /** Heights checked (1..latest). */
  heights: number;
  txs: number;
  signaturesChecked: number;
  /** The first bad height and why; absent when the chain is clean. */
  fault?: ChainFault;
}

/** Checks one commit certificate: for this height and block, more than 2/3 of the power, all signatures valid. */
export function checkCommit(
  chainId: string,
  commit: Commit,
  hash: Uint8Array,
  height: number,
  validators: readonly Validator[],
): string | undefined {
  if (commit.height !== height) return `commit is for height ${commit.height}`;
  if (!bytesEqual(commit.blockHash, hash)) return "commit certificate signs a different block hash";
  return commitProblem(chainId, commit, validators);
}

/**
 * Re-checks a node's whole chain offline, from its data directory: every
 * block decodes, heights are continuous, hashes link, transaction and results
 * roots match the stored transactions and results, every commit certificate
 * carries more than 2/3 of the validators' power, every transaction signature
 * verifies. Stops at the first bad height and names it and why.
 */
export async function verifyChain(
  home: string,
  opts: { onProgress?: (height: number, latest: number) => void; threads?: number } = {},
): Promise<VerifyReport> {
  const genesis: Genesis = parseGenesis(readGenesisFile(home));
  // Follows validator-set changes as the verified blocks announce them.
  const schedule = ValidatorSchedule.fromGenesis(genesis);
  const ledger = Ledger.open(join(home, DATA_DIR));
  const pool = VerifyPool.create({ threads: opts.threads });
  const report: VerifyReport = { ok: true, chainId: genesis.chainId, heights: 0, txs: 0, signaturesChecked: 0 };
  try {
    const latest = ledger.latestHeight();
    let prevHash: Uint8Array = ZERO_HASH;
    let prevTime = genesis.genesisTimeMs - 1;
    const fail = (height: number, code: string, reason: string): VerifyReport => {
      report.ok = false;
      report.fault = { height, code, reason };
      return report;
    };
    for (const raw of ledger.rawBlocks(1)) {
      const { height } = raw;
      opts.onProgress?.(height, latest);
      if (!raw.blockBytes) return fail(height, ErrorCode.LEDGER_CORRUPT, "block is missing");
      if (!raw.commitBytes) return fail(height, ErrorCode.LEDGER_CORRUPT, "commit certificate is missing");
      let block: Block;
      let commit: Commit;
      try {
        block = decodeBlock(raw.blockBytes);
      } catch (e) {
        return fail(height, ErrorCode.BLOCK_DECODE_FAILED, `stored block does not decode: ${(e as Error).message}`);
      }
      try {
        commit = decodeCommit(raw.commitBytes);
      } catch (e) {
        return fail(height, ErrorCode.COMMIT_INVALID, `stored commit does not decode: ${(e as Error).message}`);
      }
      const h = block.header;
      if (h.height !== height) return fail(height, ErrorCode.BLOCK_HEIGHT_MISMATCH, `header says height ${h.height}`);
      if (h.chainId !== genesis.chainId)
        return fail(height, ErrorCode.BLOCK_CHAIN_ID_MISMATCH, `header says chain '${h.chainId}'`);
      if (!bytesEqual(h.prevHash, prevHash)) {
        return fail(
          height,
          ErrorCode.BLOCK_PREV_HASH_MISMATCH,
          "previous-block hash does not match the block before it",
        );
      }
      if (h.timeMs <= prevTime) return fail(height, ErrorCode.BLOCK_TIME_INVALID, "block time does not advance");
      if (!bytesEqual(h.validatorsHash, schedule.hashAt(height))) {
        return fail(
          height,
          ErrorCode.BLOCK_VALIDATORS_HASH_MISMATCH,
          "validators hash differs from the validator set the chain gives this height",
        );
      }
      if (!bytesEqual(txRootOf(block.txs), h.txRoot)) {
        return fail(
          height,
          ErrorCode.BLOCK_TX_ROOT_MISMATCH,
          "transactions root does not match the block's transactions",
        );
      }
      let results: TxResult[];
      try {
        results = ledger.getResults(height);
      } catch (e) {
        return fail(height, ErrorCode.LEDGER_CORRUPT, `stored results do not decode: ${(e as Error).message}`);
      }
      if (results.length !== block.txs.length) {
        return fail(
          height,
          ErrorCode.BLOCK_RESULTS_ROOT_MISMATCH,
          `${results.length} results for ${block.txs.length} transactions`,
        );
      }
      if (!bytesEqual(resultsRootOf(results), h.resultsRoot)) {
        return fail(height, ErrorCode.BLOCK_RESULTS_ROOT_MISMATCH, "results root does not match the stored results");
      }
      const hash = blockHash(h);
      const commitProblem = checkCommit(genesis.chainId, commit, hash, height, schedule.at(height));
      if (commitProblem) return fail(height, ErrorCode.COMMIT_INVALID, commitProblem);
      try {
        schedule.applyResults(results);
      } catch (e) {
        return fail(height, ErrorCode.VALIDATOR_SET_INVALID, (e as Error).message);
      }
      report.signaturesChecked += commit.sigs.length;
      const jobs: VerifyJob[] = [];
      const owner: number[] = [];
      for (const [i, bytes] of block.txs.entries()) {
        try {
          const tx = decodeTx(bytes, TX_BYTES_HARD_MAX);
          const message = txSignBytes(tx.id);
          for (const sig of tx.sigs) {
            const key = sig.cert ? certKey(sig.cert) : { alg: sig.alg, publicKey: sig.publicKey as Uint8Array };
            jobs.push({ alg: key.alg, publicKey: key.publicKey, message, signature: sig.sig });
            owner.push(i);
          }
        } catch (e) {
          return fail(height, ErrorCode.BLOCK_TX_INVALID, `transaction ${i} does not decode: ${(e as Error).message}`);
        }
      }
      const verdicts = await pool.verifyBatch(jobs);
      const badIndex = verdicts.findIndex((ok) => !ok);
      if (badIndex >= 0) {
        return fail(
          height,
          ErrorCode.TX_SIGNATURE_INVALID,
          `transaction ${owner[badIndex]} has a signature that does not verify`,
        );
      }
      report.signaturesChecked += jobs.length;
      report.txs += block.txs.length;
      report.heights = height;
      prevHash = hash;
      prevTime = h.timeMs;
    }
    return report;
  } finally {
    await pool.close();
    await ledger.close();
  }
}

/** Parsed certificate keys, bounded: a chain has few distinct signers. */
const CERT_KEYS_CACHED_MAX = 10_000;
const certKeys = new Map<string, { alg: Validator["alg"]; publicKey: Uint8Array }>();

/** Public key of a certificate, parsed once per distinct certificate. */
function certKey(der: Uint8Array): { alg: Validator["alg"]; publicKey: Uint8Array } {
  const id = bytesToHex(der);
  let v = certKeys.get(id);
  if (!v) {
    const c = parseCertificate(der);
    v = { alg: c.alg, publicKey: c.publicKey };
    if (certKeys.size >= CERT_KEYS_CACHED_MAX) certKeys.clear();
    certKeys.set(id, v);
  }
  return v;
}
