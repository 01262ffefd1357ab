import { assert, bytesEqual, CityChainError, ErrorCode, uint64ToBytes } from "@citychain/protocol";
import { checkStateKey, heightKey, historyKey, META_KEYS } from "./keys.ts";
import { readLatestHeight } from "./meta.ts";
import { encodeHistoryValue, encodeResults, encodeTxLocation } from "./records.ts";
import type { Stores } from "./stores.ts";
import type { BlockCommitData, StateWrite } from "./types.ts";

/** Checks what can be checked before the write transaction starts, so bad input costs no transaction. */
export function checkBlockCommitData(data: BlockCommitData): void {
  if (!Number.isSafeInteger(data.height) || data.height < 1) {
    throw new CityChainError(
      { code: ErrorCode.BLOCK_HEIGHT_MISMATCH },
      `block height must be an integer of at least 1, got ${data.height}`,
    );
  }
  // The node builds these arrays together; a mismatch is a bug in the node, not bad input.
  assert(data.txIds.length === data.results.length, "one result per transaction");
  for (const tw of data.writes) {
    assert(tw.txIndex >= 0 && tw.txIndex < data.txIds.length, `writes[].txIndex ${tw.txIndex} is in the block`);
    for (const w of tw.writes) checkStateKey(w.key);
  }
  for (const w of data.privateWrites ?? []) checkStateKey(w.key);
}

/** Applies writes to the node's private store (no history: the runtime keeps current values only). */
export function applyPrivateWrites(stores: Stores, writes: readonly StateWrite[]): void {
  for (const w of writes) {
    if (w.value === null) stores.privateData.removeSync(w.key);
    else stores.privateData.putSync(w.key, w.value);
  }
}

/** Applies one write to state and appends it to the key's history. */
export function applyStateWrite(
  stores: Stores,
  w: StateWrite,
  height: number,
  txIndex: number,
  txId: Uint8Array,
): void {
  if (w.value === null) stores.state.removeSync(w.key);
  else stores.state.putSync(w.key, w.value);
  stores.history.putSync(historyKey(w.key, height, txIndex), encodeHistoryValue(txId, w.value));
}

/**
 * Writes one block. Must run inside an abortable write transaction: it
 * checks the height first and throws before writing anything, and any later
 * throw aborts the transaction, so a block is stored whole or not at all.
 */
export function writeBlock(stores: Stores, data: BlockCommitData): void {
  const latest = readLatestHeight(stores.meta);
  if (latest < 0) {
    throw new CityChainError(
      { code: ErrorCode.LEDGER_NOT_INITIALIZED },
      "the ledger has no genesis; call initGenesis before committing blocks",
    );
  }
  if (data.height !== latest + 1) {
    throw new CityChainError(
      { code: ErrorCode.BLOCK_HEIGHT_MISMATCH },
      `block height ${data.height} does not follow the latest committed height ${latest}; expected ${latest + 1}`,
    );
  }
  const hk = heightKey(data.height);
  stores.blocks.putSync(hk, data.blockBytes);
  stores.blockHashes.putSync(data.blockHash, hk);
  stores.commits.putSync(hk, data.commitBytes);
  stores.results.putSync(hk, encodeResults(data.results));
  for (let i = 0; i < data.txIds.length; i++) {
    const txId = data.txIds[i];
    // A finalised block cannot be refused, and the node keeps duplicates out
    // of blocks; if one slips through, its first location stays the answer.
    if (stores.txIndex.get(txId) !== undefined) continue;
    stores.txIndex.putSync(txId, encodeTxLocation({ height: data.height, index: i, code: data.results[i].code }));
  }
  for (const tw of data.writes) {
    assert(bytesEqual(tw.txId, data.txIds[tw.txIndex]), `writes for tx ${tw.txIndex} carry that transaction's id`);
    for (const w of tw.writes) applyStateWrite(stores, w, data.height, tw.txIndex, tw.txId);
  }
  applyPrivateWrites(stores, data.privateWrites ?? []);
  stores.meta.putSync(META_KEYS.latestHeight, uint64ToBytes(data.height));
  stores.meta.putSync(META_KEYS.latestBlockHash, data.blockHash);
  stores.meta.putSync(META_KEYS.latestTimeMs, uint64ToBytes(data.timeMs));
  stores.meta.putSync(META_KEYS.appHash, data.appHash);
}
