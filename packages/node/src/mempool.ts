import { CityChainError, ErrorCode, type Tx } from "@citychain/protocol";

/**
 * Transactions admitted by checkTxs and waiting for a block, in arrival order.
 * Bounded: a full pool refuses new transactions with MEMPOOL_FULL rather than
 * growing without limit.
 */
export class Mempool {
  private readonly txs = new Map<string, Tx>();
  private bytes = 0;

  constructor(readonly txsMax: number) {}

  get size(): number {
    return this.txs.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  has(idHex: string): boolean {
    return this.txs.has(idHex);
  }

  /** Throws TX_DUPLICATE or MEMPOOL_FULL; otherwise the transaction waits for a block. */
  add(tx: Tx): void {
    const id = tx.idHex;
    if (this.txs.has(id)) {
      throw new CityChainError({ code: ErrorCode.TX_DUPLICATE }, `transaction ${id} is already waiting in the mempool`);
    }
    if (this.txs.size >= this.txsMax) {
      throw new CityChainError(
        { code: ErrorCode.MEMPOOL_FULL },
        `the mempool holds its maximum of ${this.txsMax} transactions; retry after the next blocks commit`,
      );
    }
    this.txs.set(id, tx);
    this.bytes += tx.bytes.length;
  }

  /** The oldest transactions, up to the given counts (they stay until removed). */
  peek(txsMax: number, bytesMax: number): Tx[] {
    const out: Tx[] = [];
    let bytes = 0;
    for (const tx of this.txs.values()) {
      if (out.length >= txsMax || bytes + tx.bytes.length > bytesMax) break;
      out.push(tx);
      bytes += tx.bytes.length;
    }
    return out;
  }

  /** Drops transactions that can no longer be included at nextHeight; returns them. */
  evictExpired(nextHeight: number): Tx[] {
    const out: Tx[] = [];
    for (const [id, tx] of this.txs) {
      if (tx.body.expiresAt < nextHeight) {
        out.push(tx);
        this.remove(id);
      }
    }
    return out;
  }

  remove(idHex: string): Tx | undefined {
    const tx = this.txs.get(idHex);
    if (tx) {
      this.txs.delete(idHex);
      this.bytes -= tx.bytes.length;
    }
    return tx;
  }
}
