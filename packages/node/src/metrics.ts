import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one node, served at /metrics. */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly height = new Gauge({
    name: "citychain_block_height",
    help: "Height of the last committed block",
    registers: [this.registry],
  });
  readonly txsCommitted = new Counter({
    name: "citychain_txs_committed_total",
    help: "Transactions committed in blocks",
    registers: [this.registry],
  });
  readonly blocksCommitted = new Counter({
    name: "citychain_blocks_committed_total",
    help: "Blocks committed",
    registers: [this.registry],
  });
  readonly blockSeconds = new Histogram({
    name: "citychain_block_commit_seconds",
    help: "Time to prepare, execute and commit a block",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly txsRejected = new Counter({
    name: "citychain_txs_rejected_total",
    help: "Transactions rejected at admission, by error code",
    labelNames: ["code"],
    registers: [this.registry],
  });
  readonly mempoolSize = new Gauge({
    name: "citychain_mempool_txs",
    help: "Transactions waiting in the mempool",
    registers: [this.registry],
  });
  readonly apiRequests = new Counter({
    name: "citychain_api_requests_total",
    help: "API requests by route and status",
    labelNames: ["route", "status"],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "citychain_" });
  }

  blockCommitted(height: number, txs: number, seconds: number): void {
    this.height.set(height);
    this.blocksCommitted.inc();
    this.txsCommitted.inc(txs);
    this.blockSeconds.observe(seconds);
  }
}
