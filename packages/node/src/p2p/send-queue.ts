/** Bounds of one peer's send queue. */
export interface SendQueueLimits {
  messagesMax: number;
  bytesMax: number;
}

/**
 * Frames waiting for a peer's socket to drain. Bounded in messages and in
 * bytes; push() refuses a frame that does not fit and the caller decides
 * (drop or disconnect), so a slow peer never grows our memory.
 */
export class SendQueue {
  private frames: Buffer[] = [];
  private head = 0;
  private queuedBytes = 0;

  constructor(private readonly limits: SendQueueLimits) {}

  get length(): number {
    return this.frames.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Adds a frame if both bounds allow it; false if the queue is full. */
  push(frame: Buffer): boolean {
    if (this.length + 1 > this.limits.messagesMax) return false;
    if (this.queuedBytes + frame.length > this.limits.bytesMax) return false;
    this.frames.push(frame);
    this.queuedBytes += frame.length;
    return true;
  }

  /** The oldest frame, removed; undefined when empty. */
  shift(): Buffer | undefined {
    if (this.head >= this.frames.length) return undefined;
    const frame = this.frames[this.head];
    this.frames[this.head] = EMPTY;
    this.head++;
    this.queuedBytes -= frame.length;
    // Compact now and then instead of Array.shift (O(n) per call).
    if (this.head > 1024 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    return frame;
  }

  clear(): void {
    this.frames = [];
    this.head = 0;
    this.queuedBytes = 0;
  }
}

const EMPTY = Buffer.alloc(0);
