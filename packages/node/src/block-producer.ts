/**
 * What decides blocks. The solo producer does it alone; the BFT engine
 * replaces it (same interface, same Application underneath, same commit path).
 */
export interface BlockProducer {
  start(): void;
  /** Stops after the block in progress (if any) is committed. */
  stop(): Promise<void>;
  /** Called when the mempool gains transactions, so the producer need not poll. */
  notifyTxs(): void;
}
