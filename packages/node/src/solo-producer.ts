import type { KeyPair } from "@citychain/crypto";
import { sign } from "@citychain/crypto";
import { type Application, bytesToHex, type Commit, voteSignBytes } from "@citychain/protocol";
import type { Logger } from "pino";
import type { BlockProducer } from "./block-producer.ts";
import type { EventBus } from "./event-bus.ts";
import type { Mempool } from "./mempool.ts";
import type { NodeMetrics } from "./metrics.ts";

export interface SoloProducerOptions {
  app: Application;
  mempool: Mempool;
  events: EventBus;
  metrics: NodeMetrics;
  logger: Logger;
  /** The single validator's key and address. */
  key: KeyPair;
  address: Uint8Array;
  blockIntervalMs: number;
  emptyBlockIntervalMs: number;
  /** The block limits in force (governance may change them). */
  blockLimits: () => { blockTxsMax: number; blockBytesMax: number };
  now?: () => number;
}

/**
 * One-validator block production: whenever the mempool has transactions (at
 * most every blockIntervalMs), or after emptyBlockIntervalMs without any, it
 * proposes a block, executes it, signs the commit as the only validator and
 * commits it. The commit certificate has the same form a BFT quorum produces.
 */
export class SoloProducer implements BlockProducer {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly now: () => number;
  /** The block being written, if any. */
  private inflight: Promise<void> = Promise.resolve();

  constructor(private readonly o: SoloProducerOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((e) => {
      this.o.logger.fatal({ err: e }, "block production stopped on an unexpected error");
      this.running = false;
      process.exitCode = 1;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.inflight.catch(() => {});
  }

  notifyTxs(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let lastBlockAt = this.now();
    while (this.running) {
      const sinceLast = this.now() - lastBlockAt;
      if (this.o.mempool.size === 0) {
        const untilEmpty = this.o.emptyBlockIntervalMs > 0 ? this.o.emptyBlockIntervalMs - sinceLast : 60_000;
        if (untilEmpty > 0) {
          await this.sleep(Math.min(untilEmpty, 1_000));
          continue;
        }
      } else if (sinceLast < this.o.blockIntervalMs) {
        // Wait out the interval so transactions gather into fuller blocks.
        await new Promise((r) => setTimeout(r, this.o.blockIntervalMs - sinceLast));
      }
      if (!this.running) break;
      lastBlockAt = this.now();
      await this.produceOne();
    }
  }

  /** Proposes, executes, signs and commits the next block. */
  async produceOne(): Promise<void> {
    const { app, mempool, events, metrics } = this.o;
    const started = performance.now();
    const info = app.info();
    const height = info.height + 1;
    const timeMs = Math.max(this.now(), info.lastBlockTimeMs + 1);
    const limits = this.o.blockLimits();
    const candidates = mempool.peek(limits.blockTxsMax, limits.blockBytesMax);
    const { block, dropped } = await app.prepareProposal({
      height,
      timeMs,
      proposer: this.o.address,
      prevHash: info.lastBlockHash,
      txs: candidates,
    });
    for (const d of dropped) {
      mempool.remove(d.idHex);
      events.publishRejected(d.idHex, d.code, d.message);
    }
    const preparedAt = performance.now();
    const execution = await app.finalizeBlock(block);
    const commit: Commit = {
      height,
      round: 0,
      blockHash: execution.blockHash,
      sigs: [
        {
          validator: this.o.address,
          sig: sign(this.o.key, voteSignBytes(info.chainId, "precommit", height, 0, execution.blockHash)),
        },
      ],
    };
    // Pipeline of depth one: this block is written while the next one is
    // prepared; its transactions are acknowledged only once it is durable.
    await this.inflight;
    const committingAt = performance.now();
    const durable = app.commit(block, commit, execution);
    for (const id of execution.txIds) mempool.remove(bytesToHex(id));
    this.inflight = durable.then(() => {
      const committedAt = performance.now();
      metrics.blockCommitted(height, block.txs.length, (committedAt - started) / 1000);
      this.o.logger.debug(
        {
          height,
          txs: block.txs.length,
          prepareMs: Math.round(preparedAt - started),
          commitMs: Math.round(committedAt - committingAt),
          totalMs: Math.round(committedAt - started),
        },
        "block committed",
      );
      events.publishBlock({ block, commit, execution });
    });
    // A failed write stops production: the ledger is the source of truth and must not be skipped past.
    this.inflight.catch((e) => {
      this.o.logger.fatal({ err: e, height }, "block could not be written; block production stopped");
      this.running = false;
      process.exitCode = 1;
    });
  }

  /** Resolves when every block handed to the application so far is durable and published. */
  async drain(): Promise<void> {
    await this.inflight;
  }
}
