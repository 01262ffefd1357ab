/**
 * Throughput micro-benchmark of the ledger (not a test: prints figures,
 * never fails on time). Commits blocks of WRITES_PER_BLOCK small writes,
 * waiting for each commit to be durable as the node does.
 *
 * Usage: node --import tsx packages/ledger/src/bench-ledger.ts [blocks] [writesPerBlock]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { concatBytes, sha256, type TxResult, uint32ToBytes, uint64ToBytes, ZERO_HASH } from "@citychain/protocol";
import { Ledger } from "./ledger.ts";
import type { BlockCommitData, StateWrite } from "./types.ts";

const BLOCKS = Number(process.argv[2] ?? 200);
const WRITES_PER_BLOCK = Number(process.argv[3] ?? 1_000);
/** Writes per transaction: a block of 1,000 writes is 100 transactions of 10. */
const WRITES_PER_TX = 10;
const VALUE_BYTES = 32;
/** Distinct keys: later blocks overwrite earlier keys, as a live chain does. */
const KEY_SPACE = 100_000;

function benchBlock(height: number): BlockCommitData {
  const txCount = Math.ceil(WRITES_PER_BLOCK / WRITES_PER_TX);
  const txIds: Uint8Array[] = [];
  const results: TxResult[] = [];
  const writes: BlockCommitData["writes"] = [];
  let n = 0;
  for (let t = 0; t < txCount; t++) {
    const txId = sha256(uint64ToBytes(height), uint32ToBytes(t));
    txIds.push(txId);
    results.push({ code: "OK", message: "", returnValue: new Uint8Array(0), events: [] });
    const ws: StateWrite[] = [];
    for (let i = 0; i < WRITES_PER_TX && n < WRITES_PER_BLOCK; i++, n++) {
      const k = (height * WRITES_PER_BLOCK + n) % KEY_SPACE;
      ws.push({ key: concatBytes(Uint8Array.of(0x6b), uint32ToBytes(k)), value: new Uint8Array(VALUE_BYTES).fill(n) });
    }
    writes.push({ txIndex: t, txId, writes: ws });
  }
  const blockBytes = concatBytes(uint64ToBytes(height), ...txIds);
  return {
    height,
    blockBytes,
    blockHash: sha256(blockBytes),
    commitBytes: new Uint8Array(200),
    txIds,
    results,
    writes,
    appHash: ZERO_HASH,
    timeMs: height,
  };
}

const dir = mkdtempSync(join(tmpdir(), "citychain-bench-ledger-"));
const ledger = Ledger.open(dir);
try {
  await ledger.initGenesis(ZERO_HASH, [], ZERO_HASH);
  const blocks = Array.from({ length: BLOCKS }, (_, i) => benchBlock(i + 1));
  const start = process.hrtime.bigint();
  for (const b of blocks) await ledger.commitBlock(b);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stateWrites = BLOCKS * WRITES_PER_BLOCK;
  console.log(`ledger: ${BLOCKS} blocks x ${WRITES_PER_BLOCK} writes (${VALUE_BYTES}-byte values), durable commits`);
  console.log(`  ${(BLOCKS / seconds).toFixed(1)} blocks/s`);
  console.log(`  ${Math.round(stateWrites / seconds)} state writes/s`);
  console.log(`  ${((seconds / BLOCKS) * 1000).toFixed(2)} ms per block`);
} finally {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
}
