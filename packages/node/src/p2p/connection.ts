import type { TLSSocket } from "node:tls";
import type { Identity } from "@citychain/crypto";
import { FrameDecoder } from "./frame.ts";
import { SendQueue, type SendQueueLimits } from "./send-queue.ts";

/** Counters of one connection, for metrics and tests. */
export interface ConnectionStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Frames refused because the send queue was full. */
  framesDropped: number;
  queuedFrames: number;
  queuedBytes: number;
}

/** What a connection reports to its owner. */
export interface ConnectionEvents {
  /** One complete frame payload; may throw, which the owner treats as the peer's fault. */
  onFrame(conn: PeerConnection, payload: Buffer): void;
  /** A byte-level problem (bad length prefix): the connection is unusable. */
  onStreamError(conn: PeerConnection, error: unknown): void;
  /** The socket is gone; called exactly once. */
  onClose(conn: PeerConnection, reason: string): void;
}

/** Result of queueing a frame. */
export type EnqueueResult = "queued" | "full" | "closed";

/**
 * One TLS connection to a peer: cuts the incoming stream into frames and
 * writes outgoing frames, holding those the socket cannot take yet in a
 * bounded queue until it drains (socket.write would buffer without limit).
 */
export class PeerConnection {
  /** Set once the peer's certificate passed the membership check. */
  identity: Identity | undefined;
  /** The peer's name (its certificate's common name), set with identity. */
  name: string | undefined;
  /** Set once the peer's hello was accepted: the connection carries messages. */
  helloReceived = false;
  connectedSinceMs = 0;
  /** Local time of the last bytes received (set by the owner, who owns the clock). */
  lastReceivedMs = 0;
  /** Why we are closing it, when we close it (logged by the owner). */
  closeReason: string | undefined;
  private readonly decoder: FrameDecoder;
  private readonly queue: SendQueue;
  private blocked = false;
  private closed = false;
  /** Called on every chunk received (the owner stamps lastReceivedMs). */
  onBytes: (() => void) | undefined;
  private readonly counters = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, framesDropped: 0 };

  constructor(
    readonly socket: TLSSocket,
    /** True when this node dialled; the configured peer name it dialled. */
    readonly outbound: boolean,
    readonly dialedName: string | undefined,
    frameBytesMax: number,
    queueLimits: SendQueueLimits,
    private readonly events: ConnectionEvents,
  ) {
    this.decoder = new FrameDecoder(frameBytesMax);
    this.queue = new SendQueue(queueLimits);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("drain", () => this.flush());
    // Errors are followed by "close"; the reason is kept for the log line.
    socket.on("error", (e) => {
      this.closeReason ??= `socket error: ${e.message}`;
    });
    socket.on("close", () => {
      this.closed = true;
      this.queue.clear();
      this.events.onClose(this, this.closeReason ?? "peer closed the connection");
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** "host:port" of the other end. */
  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? "?"}:${this.socket.remotePort ?? "?"}`;
  }

  stats(): ConnectionStats {
    return { ...this.counters, queuedFrames: this.queue.length, queuedBytes: this.queue.bytes };
  }

  /** Writes a frame now if the socket takes it, else queues it; "full" if the queue is at its bound. */
  enqueue(frame: Buffer): EnqueueResult {
    if (this.closed || this.socket.destroyed) return "closed";
    if (!this.blocked && this.queue.length === 0) {
      this.write(frame);
      return "queued";
    }
    if (!this.queue.push(frame)) {
      this.counters.framesDropped++;
      return "full";
    }
    return "queued";
  }

  /** Ends the connection; the reason reaches onClose. Idempotent. */
  close(reason: string): void {
    this.closeReason ??= reason;
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private write(frame: Buffer): void {
    this.counters.framesOut++;
    this.counters.bytesOut += frame.length;
    if (!this.socket.write(frame)) this.blocked = true;
  }

  private flush(): void {
    this.blocked = false;
    // Bounded by the queue's length; stops as soon as the socket pushes back.
    while (!this.blocked && !this.closed) {
      const frame = this.queue.shift();
      if (frame === undefined) break;
      this.write(frame);
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.counters.bytesIn += chunk.length;
    this.onBytes?.();
    let payloads: Buffer[];
    try {
      payloads = this.decoder.push(chunk);
    } catch (e) {
      this.events.onStreamError(this, e);
      return;
    }
    for (const payload of payloads) {
      // A frame handler may have closed the connection: ignore what follows.
      if (this.closed || this.socket.destroyed) return;
      this.counters.framesIn++;
      this.events.onFrame(this, payload);
    }
  }
}
