import {
  type Block,
  bytesEqual,
  bytesToHex,
  bytesToUint64,
  CityChainError,
  type Commit,
  decodeBlock,
  decodeCommit,
  ErrorCode,
  type TxResult,
  uint64ToBytes,
} from "@citychain/protocol";
import { checkStateKey, heightKey, historyKey, historyKeyPrefix, META_KEYS, parseHistoryKeySuffix } from "./keys.ts";
import {
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
  STATE_RANGE_LIMIT_DEFAULT,
  STATE_RANGE_LIMIT_MAX,
} from "./limits.ts";
import { copyBytes, readLatestHeight } from "./meta.ts";
import { resolveLimit, toLmdbRange } from "./range.ts";
import { decodeHistoryValue, decodeResultAt, decodeResults, decodeTxLocation } from "./records.ts";
import { type BytesDb, openStores, type Stores } from "./stores.ts";
import type {
  BlockCommitData,
  HistoryEntry,
  HistoryOptions,
  LedgerOpenOptions,
  RawBlockRecord,
  StateEntry,
  StateRangeOptions,
  StateWrite,
  TxLocation,
} from "./types.ts";
import { applyPrivateWrites, applyStateWrite, checkBlockCommitData, writeBlock } from "./write-block.ts";

/** Id recorded in the history of writes made by genesis rather than by a transaction. */
const GENESIS_TX_ID = new Uint8Array(0);

/**
 * The node's embedded store: blocks, commits, results, state, state history
 * and indexes in one LMDB environment.
 *
 * Every write (genesis, each block) is one LMDB transaction, and its promise
 * resolves only once that transaction is on disk (see `openStores`). After a
 * crash, reopening finds exactly the blocks whose transactions committed:
 * LMDB's copy-on-write pages and its meta-page switch make a commit all or
 * nothing.
 *
 * Reads are synchronous and see the latest committed block. Values returned
 * are copies the caller may keep and modify.
 */
export class Ledger {
  private closed = false;

  private constructor(private readonly stores: Stores) {}

  /** Opens (creating if needed) the ledger in directory `path`. */
  static open(path: string, opts: LedgerOpenOptions = {}): Ledger {
    return new Ledger(openStores(path, opts.mapSizeBytes));
  }

  /** Waits for pending writes, then closes the environment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stores.env.close();
  }

  // ---- writes ----

  /**
   * Writes the genesis state and the height-0 meta, once. Calling it again
   * with the same genesis hash does nothing (a restarted node may call it
   * unconditionally); with a different hash it throws LEDGER_GENESIS_MISMATCH.
   * Resolves when the genesis is durable.
   */
  async initGenesis(genesisHash: Uint8Array, initialWrites: StateWrite[], appHash: Uint8Array): Promise<void> {
    for (const w of initialWrites) checkStateKey(w.key);
    const { env, meta } = this.stores;
    await env.childTransaction(() => {
      const existing = meta.get(META_KEYS.genesisHash);
      if (existing !== undefined) {
        if (bytesEqual(existing, genesisHash)) return;
        throw new CityChainError(
          { code: ErrorCode.LEDGER_GENESIS_MISMATCH },
          `the ledger holds genesis ${bytesToHex(existing)}, not ${bytesToHex(genesisHash)}; use the data directory of this chain`,
        );
      }
      for (const w of initialWrites) applyStateWrite(this.stores, w, 0, 0, GENESIS_TX_ID);
      meta.putSync(META_KEYS.genesisHash, genesisHash);
      meta.putSync(META_KEYS.appHash, appHash);
      meta.putSync(META_KEYS.latestHeight, uint64ToBytes(0));
    });
  }

  /**
   * Stores one executed block with its commit, results, state writes, history
   * and indexes in ONE LMDB transaction. `height` must be the latest height
   * plus one, checked inside the transaction, else BLOCK_HEIGHT_MISMATCH and
   * nothing is written. Resolves only when the block is durable on disk: the
   * node may acknowledge the block's transactions after that, not before.
   */
  async commitBlock(data: BlockCommitData): Promise<void> {
    checkBlockCommitData(data);
    // A child transaction so that a throw (height mismatch) aborts our writes
    // even though lmdb-js may batch other queued writes into the same commit.
    await this.stores.env.childTransaction(() => writeBlock(this.stores, data));
  }

  // ---- chain meta ----

  /** Latest committed height: 0 after genesis, -1 before initGenesis. */
  latestHeight(): number {
    return readLatestHeight(this.stores.meta);
  }

  /** Hash of the latest committed block; undefined until block 1 is committed. */
  latestBlockHash(): Uint8Array | undefined {
    return copyBytes(this.stores.meta.get(META_KEYS.latestBlockHash));
  }

  /** Time of the latest committed block; undefined until block 1 is committed. */
  latestTimeMs(): number | undefined {
    const raw = this.stores.meta.get(META_KEYS.latestTimeMs);
    return raw === undefined ? undefined : bytesToUint64(raw);
  }

  /**
   * State hash after the latest committed block (after genesis at height 0).
   * Throws LEDGER_NOT_INITIALIZED before initGenesis: there is no state yet.
   */
  appHash(): Uint8Array {
    const raw = copyBytes(this.stores.meta.get(META_KEYS.appHash));
    if (raw === undefined) {
      throw new CityChainError({ code: ErrorCode.LEDGER_NOT_INITIALIZED }, "the ledger has no genesis, so no app hash");
    }
    return raw;
  }

  /** The genesis hash this ledger was initialised with; the node compares it with its genesis file. */
  genesisHash(): Uint8Array | undefined {
    return copyBytes(this.stores.meta.get(META_KEYS.genesisHash));
  }

  // ---- blocks, commits, results ----

  getBlockBytes(height: number): Uint8Array | undefined {
    return copyBytes(this.stores.blocks.get(heightKey(height)));
  }

  /** The decoded block; throws BLOCK_DECODE_FAILED if the stored bytes are damaged. */
  getBlock(height: number): Block | undefined {
    const bytes = this.getBlockBytes(height);
    return bytes === undefined ? undefined : decodeBlock(bytes);
  }

  heightOfHash(hash: Uint8Array): number | undefined {
    const raw = this.stores.blockHashes.get(hash);
    return raw === undefined ? undefined : bytesToUint64(raw);
  }

  getCommitBytes(height: number): Uint8Array | undefined {
    return copyBytes(this.stores.commits.get(heightKey(height)));
  }

  getCommit(height: number): Commit | undefined {
    const bytes = this.getCommitBytes(height);
    return bytes === undefined ? undefined : decodeCommit(bytes);
  }

  /** Results of the block's transactions in block order; [] for a height not stored. */
  getResults(height: number): TxResult[] {
    const bytes = this.stores.results.get(heightKey(height));
    return bytes === undefined ? [] : decodeResults(bytes);
  }

  getResult(height: number, index: number): TxResult | undefined {
    const bytes = this.stores.results.get(heightKey(height));
    return bytes === undefined ? undefined : decodeResultAt(bytes, index);
  }

  getTxLocation(txId: Uint8Array): TxLocation | undefined {
    const bytes = this.stores.txIndex.get(txId);
    return bytes === undefined ? undefined : decodeTxLocation(bytes);
  }

  // ---- state and history ----

  getState(key: Uint8Array): Uint8Array | undefined {
    return copyBytes(this.stores.state.get(key));
  }

  /** Entries in key order (or reverse), at most `limit`. */
  getStateRange(opts: StateRangeOptions = {}): StateEntry[] {
    return this.rangeOf(this.stores.state, opts, "state range");
  }

  private rangeOf(db: BytesDb, opts: StateRangeOptions, what: string): StateEntry[] {
    const limit = resolveLimit(opts.limit, STATE_RANGE_LIMIT_DEFAULT, STATE_RANGE_LIMIT_MAX, what);
    const range = toLmdbRange(opts, limit);
    if (range === undefined || limit === 0) return [];
    const out: StateEntry[] = [];
    for (const { key, value } of db.getRange(range)) {
      out.push({ key: new Uint8Array(key), value: new Uint8Array(value) });
    }
    return out;
  }

  // ---- this node's private data (sealed by the runtime) ----

  getPrivate(key: Uint8Array): Uint8Array | undefined {
    return copyBytes(this.stores.privateData.get(key));
  }

  /** Private entries in key order, at most `limit` (same bounds as state ranges). */
  getPrivateRange(opts: StateRangeOptions = {}): StateEntry[] {
    return this.rangeOf(this.stores.privateData, opts, "private range");
  }

  /**
   * Private values that arrived after their block (a member node that missed
   * the endorser's push asks its peers): written alone, durably. The runtime
   * checks each value against the hash committed on chain before calling.
   */
  async putPrivate(writes: StateWrite[]): Promise<void> {
    for (const w of writes) checkStateKey(w.key);
    await this.stores.env.childTransaction(() => applyPrivateWrites(this.stores, writes));
  }

  /** Writes to `key` from `fromHeight` on, oldest first (or newest first), at most `limit`. */
  getHistory(key: Uint8Array, opts: HistoryOptions = {}): HistoryEntry[] {
    checkStateKey(key);
    const limit = resolveLimit(opts.limit, HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX, "history");
    if (limit === 0) return [];
    const range = toLmdbRange(
      { start: historyKey(key, opts.fromHeight ?? 0, 0), prefix: historyKeyPrefix(key), reverse: opts.newestFirst },
      limit,
    );
    if (range === undefined) return [];
    const out: HistoryEntry[] = [];
    for (const entry of this.stores.history.getRange(range)) {
      const { height, txIndex } = parseHistoryKeySuffix(entry.key);
      const { txId, value } = decodeHistoryValue(entry.value);
      out.push({ height, txIndex, txId, value });
    }
    return out;
  }

  // ---- raw access: offline verifier and tests ----

  /**
   * Stored records from `fromHeight` to the latest height, raw and
   * undecoded, so a verifier can report a damaged or missing record by
   * height instead of failing on it. Lazy: one height per step.
   */
  *rawBlocks(fromHeight = 1): Generator<RawBlockRecord> {
    const latest = this.latestHeight();
    for (let height = Math.max(fromHeight, 1); height <= latest; height++) {
      const hk = heightKey(height);
      yield {
        height,
        blockBytes: copyBytes(this.stores.blocks.get(hk)),
        commitBytes: copyBytes(this.stores.commits.get(hk)),
        resultsBytes: copyBytes(this.stores.results.get(hk)),
      };
    }
  }

  /**
   * FOR TESTS OF THE VERIFIER ONLY: overwrites the stored bytes of a block,
   * bypassing every check, to simulate disk damage or tampering. Nothing in
   * the node may call this.
   */
  async unsafePutRawBlockBytes(height: number, bytes: Uint8Array): Promise<void> {
    await this.stores.blocks.put(heightKey(height), bytes);
  }
}
