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

  /** Resolves when the transaction commits or is dropped; undefined after timeoutMs. */
  waitForTx(idHex: string, timeoutMs: number): Promise<TxOutcome | undefined> {
    if (this.waiterCount >= TX_WAITERS_MAX) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const list = this.waiters.get(idHex) ?? [];
      let timer: NodeJS.Timeout | undefined;
      const done = (o: TxOutcome | undefined) => {
        if (timer) clearTimeout(timer);
        resolve(o);
      };
      list.push(done);
      this.waiters.set(idHex, list);
      this.waiterCount++;
      timer = setTimeout(() => {
        const l = this.waiters.get(idHex);
        if (l) {
          const k = l.indexOf(done);
          if (k >= 0) {
            l.splice(k, 1);
            this.waiterCount--;
          }
          if (l.length === 0) this.waiters.delete(idHex);
        }
        resolve(undefined);
      }, timeoutMs);
    });
  }
}
