import { EventEmitter } from "node:events";
import type { Block, BlockExecution, Commit } from "@citychain/protocol";
import { bytesToHex } from "@citychain/protocol";

export interface CommittedBlock {
  block: Block;
  commit: Commit;
  execution: BlockExecution;
}

export interface TxOutcome {
  idHex: string;
  /** Committed: the block it is in. Rejected: absent. */
  height?: number;
  index?: number;
  code: string;
  message: string;
  returnValue?: Uint8Array;
}

/** Limits on waiters so a flood of waiting clients cannot exhaust memory. */
export const TX_WAITERS_MAX = 200_000;

/**
 * Publishes committed blocks to subscribers (API streams, waiting clients)
 * after they are durable in the ledger, and resolves clients waiting for a
 * particular transaction.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly waiters = new Map<string, ((o: TxOutcome) => void)[]>();
  private waiterCount = 0;

  constructor() {
    this.emitter.setMaxListeners(10_000);
  }

  onBlock(listener: (b: CommittedBlock) => void): () => void {
    this.emitter.on("block", listener);
    return () => this.emitter.off("block", listener);
  }

  publishBlock(b: CommittedBlock): void {
    const { execution } = b;
    execution.txIds.forEach((id, index) => {
      const r = execution.results[index];
      this.settle({
        idHex: bytesToHex(id),
        height: execution.header.height,
        index,
        code: r.code,
        message: r.message,
        returnValue: r.returnValue,
      });
    });
    this.emitter.emit("block", b);
  }

  /** A transaction left the mempool without being committed. */
  publishRejected(idHex: string, code: string, message: string): void {
    this.settle({ idHex, code, message });
  }

  private settle(o: TxOutcome): void {
    const list = this.waiters.get(o.idHex);
    if (!list) return;
    this.waiters.delete(o.idHex);
    this.waiterCount -= list.length;
    for (const resolve of list) resolve(o);
  }

  /**
   * Waits for several transactions with one timer: resolves when each has
   * committed or been dropped, or at timeoutMs with `undefined` for those
   * still pending. One timer for the whole batch, however many transactions it holds.
   */
  waitForTxs(idHexes: string[], timeoutMs: number): Promise<(TxOutcome | undefined)[]> {
    const out: (TxOutcome | undefined)[] = new Array(idHexes.length);
    if (idHexes.length === 0) return Promise.resolve(out);
    if (this.waiterCount + idHexes.length > TX_WAITERS_MAX) return Promise.resolve(out);
    return new Promise((resolve) => {
      let pending = idHexes.length;
      const registered: [string, (o: TxOutcome) => void][] = [];
      const timer = setTimeout(() => {
        for (const [id, fn] of registered) {
          const l = this.waiters.get(id);
          if (!l) continue;
          const k = l.indexOf(fn);
          if (k >= 0) {
            l.splice(k, 1);
            this.waiterCount--;
          }
          if (l.length === 0) this.waiters.delete(id);
        }
        resolve(out);
      }, timeoutMs);
      idHexes.forEach((id, i) => {
        const fn = (o: TxOutcome) => {
          out[i] = o;
          if (--pending === 0) {
            clearTimeout(timer);
            resolve(out);
          }
        };
        registered.push([id, fn]);
        const list = this.waiters.get(id);
        if (list) list.push(fn);
        else this.waiters.set(id, [fn]);
        this.waiterCount++;
      });
    });
  }

  /** Settles a waiter from outside a block (a transaction found already committed). */
  settleKnown(o: TxOutcome): void {
    this.settle(o);
  }

  /** Resolves when the transaction commits or is dropped; undefined after timeoutMs. */
  async waitForTx(idHex: string, timeoutMs: number): Promise<TxOutcome | undefined> {
    return (await this.waitForTxs([idHex], timeoutMs))[0];
  }
}
