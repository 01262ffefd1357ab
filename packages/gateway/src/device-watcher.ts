import { type CityChainClient, type StreamBlock, SUPPLY_CHAIN_CONTRACT, type Subscription } from "@citychain/sdk";
import type { Logger } from "pino";
import type { ChainDeviceDirectory } from "./chain-directory.ts";
import { RETRY_DELAY_MS_MAX } from "./limits.ts";

/** The contract functions that change a device's keys or status. */
export const DEVICE_CHANGE_FNS: ReadonlySet<string> = new Set([
  "Devices:Register",
  "Devices:RotateKey",
  "Devices:Revoke",
]);

/**
 * Follows the chain's block stream and drops a device's cached record as
 * soon as a committed transaction registers, rotates or revokes it (the
 * stream names the function; the device id is the transaction's first
 * argument, read with GET /v1/txs/:id). When the stream closes it resumes
 * from the next height, so no block is skipped; if a changed device cannot be
 * identified, the whole cache is dropped.
 */
export class DeviceChangeWatcher {
  private subscription: Subscription | undefined;
  private stopped = false;
  private retryMs = 100;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Every block up to this height has been looked at (and its changes applied). */
  private seenHeight = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: CityChainClient,
    private readonly directory: ChainDeviceDirectory,
    private readonly log: Logger,
  ) {}

  /** Subscribes from the chain's next block; resolves once the node accepted the subscription. */
  async start(): Promise<void> {
    const status = await this.client.status();
    this.seenHeight = status.height;
    await this.subscribe();
  }

  /** The last height whose device changes have been applied to the directory. */
  get appliedHeight(): number {
    return this.seenHeight;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.subscription?.close();
  }

  private subscribe(): Promise<void> {
    const sub = this.client.subscribe({
      fromHeight: this.seenHeight + 1,
      contract: SUPPLY_CHAIN_CONTRACT,
      // Events are not needed (device changes are read from the block's transactions).
      event: "-",
      onBlock: (b) => {
        // Blocks are handled one after another, so appliedHeight never runs ahead of a pending lookup.
        this.chain = this.chain.then(() => this.onBlock(b));
      },
      onClose: () => this.reconnectLater(sub),
      onError: (err) => this.log.debug({ err }, "device watcher stream error"),
    });
    this.subscription = sub;
    return sub.opened.then(() => {
      this.retryMs = 100;
    });
  }

  private reconnectLater(sub: Subscription): void {
    if (this.stopped || sub !== this.subscription) return;
    this.log.warn({ height: this.seenHeight, retryMs: this.retryMs }, "chain stream closed; resuming");
    this.retryTimer = setTimeout(() => {
      this.subscribe().catch((err) => this.log.warn({ err }, "chain stream could not be reopened"));
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_DELAY_MS_MAX);
  }

  private async onBlock(block: StreamBlock): Promise<void> {
    if (block.height <= this.seenHeight) return;
    for (const tx of block.txs) {
      if (tx.contract !== SUPPLY_CHAIN_CONTRACT || tx.code !== "OK" || !DEVICE_CHANGE_FNS.has(tx.fn)) continue;
      try {
        const info = await this.client.getTx(tx.id);
        const deviceId = info.tx.args[0];
        this.directory.invalidate(deviceId);
        this.log.info({ deviceId, fn: tx.fn, height: block.height }, "device changed on chain");
      } catch (err) {
        this.log.warn({ err, txId: tx.id }, "cannot read a device change; dropping every cached device");
        this.directory.invalidateAll();
      }
    }
    this.seenHeight = block.height;
  }
}
