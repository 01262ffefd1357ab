import { blockHash, bytesToBase64, bytesToHex, decodeTx, ErrorCode, TX_BYTES_HARD_MAX } from "@citychain/protocol";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { z } from "zod";
import type { CityChainNode } from "../node.ts";
import { STREAM_BACKLOG_BYTES_MAX, STREAM_CLOSE_TOO_SLOW, STREAM_SOCKETS_MAX } from "./limits.ts";
import { parseOrThrow } from "./validation.ts";
import { printableText } from "./views.ts";

/** What the stream needs of a WebSocket (the `ws` socket @fastify/websocket hands over). */
export interface StreamSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: "close", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
}

/** `{type:"block"}`: one per committed block, in height order. */
export interface StreamBlockMessage {
  type: "block";
  height: number;
  hash: string;
  timeMs: number;
  txs: { id: string; contract: string; fn: string; code: string }[];
}

/** `{type:"event"}`: one per contract event, after its block's message. */
export interface StreamEventMessage {
  type: "event";
  height: number;
  txIndex: number;
  txId: string;
  contract: string;
  name: string;
  payload: string;
  payloadText?: string;
}

export const streamQuery = z.object({
  fromHeight: z.coerce.number().int().min(0).optional(),
  contract: z.string().min(1).max(128).optional(),
  event: z.string().min(1).max(128).optional(),
});
type StreamFilter = z.infer<typeof streamQuery>;

const OPEN = 1;
const DRAIN_POLL_MS = 20;

/**
 * One subscriber. Every block goes out of the ledger in height order through
 * one cursor (`next`), for replay and live alike: a live block only wakes the
 * pump, so the switch-over can neither skip nor repeat a height.
 */
export class BlockStream {
  private next: number;
  private pumping = false;
  private caughtUp = false;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly socket: StreamSocket,
    private readonly node: CityChainNode,
    private readonly filter: StreamFilter,
    private readonly log: Logger,
  ) {
    this.next = Math.max(1, filter.fromHeight ?? node.ledger.latestHeight() + 1);
    this.unsubscribe = node.events.onBlock(() => this.onLive());
    socket.on("close", () => this.stop());
    socket.on("error", (err) => {
      this.log.debug({ err }, "stream socket error");
      this.stop();
    });
    void this.pump();
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
  }

  private close(code: number, reason: string): void {
    this.stop();
    // RFC 6455 limits a close reason to 123 bytes.
    this.socket.close(code, reason.slice(0, 123));
  }

  private onLive(): void {
    if (this.closed) return;
    if (this.caughtUp && this.socket.bufferedAmount > STREAM_BACKLOG_BYTES_MAX) {
      this.close(
        STREAM_CLOSE_TOO_SLOW,
        `${ErrorCode.STREAM_TOO_SLOW}: over ${STREAM_BACKLOG_BYTES_MAX} bytes unsent; reconnect with fromHeight=${this.next}`,
      );
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.socket.readyState === OPEN) {
        if (this.next > this.node.ledger.latestHeight()) {
          this.caughtUp = true;
          break;
        }
        if (this.socket.bufferedAmount > STREAM_BACKLOG_BYTES_MAX) {
          // Replay goes at the client's pace.
          await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
          continue;
        }
        this.sendHeight(this.next);
        this.next++;
      }
    } catch (err) {
      this.log.error({ err, height: this.next }, "stream failed to read a committed block");
      this.close(1011, `${ErrorCode.INTERNAL}: the node could not read block ${this.next}`);
    } finally {
      this.pumping = false;
    }
    // A block may have committed between the last check and clearing the flag.
    if (!this.closed && this.caughtUp && this.next <= this.node.ledger.latestHeight()) void this.pump();
  }

  private sendHeight(height: number): void {
    const { ledger } = this.node;
    const block = ledger.getBlock(height);
    if (!block) throw new Error(`block ${height} missing`);
    const results = ledger.getResults(height);
    const { contract, event } = this.filter;
    const txs = block.txs.map((bytes, i) => {
      const tx = decodeTx(bytes, TX_BYTES_HARD_MAX);
      return { id: bytesToHex(tx.id), contract: tx.body.contract, fn: tx.body.fn, code: results[i]?.code ?? "UNKNOWN" };
    });
    const msg: StreamBlockMessage = {
      type: "block",
      height,
      hash: bytesToHex(blockHash(block.header)),
      timeMs: block.header.timeMs,
      txs: contract ? txs.filter((t) => t.contract === contract) : txs,
    };
    this.socket.send(JSON.stringify(msg));
    results.forEach((r, txIndex) => {
      for (const e of r.events) {
        if ((contract && e.contract !== contract) || (event && e.name !== event)) continue;
        const ev: StreamEventMessage = {
          type: "event",
          height,
          txIndex,
          txId: txs[txIndex].id,
          contract: e.contract,
          name: e.name,
          payload: bytesToBase64(e.payload),
        };
        const text = printableText(e.payload);
        if (text !== undefined) ev.payloadText = text;
        this.socket.send(JSON.stringify(ev));
      }
    });
  }
}

/** GET /v1/stream (WebSocket): committed blocks and events from fromHeight on, then live. */
export function registerStreamRoute(app: FastifyInstance, node: CityChainNode): void {
  let open = 0;
  app.get(
    "/v1/stream",
    {
      websocket: true,
      // Validate before the upgrade so a bad request gets an HTTP error with a code.
      preValidation: async (request) => {
        parseOrThrow(streamQuery, request.query, "query string");
      },
    },
    (socket: StreamSocket, request) => {
      if (open >= STREAM_SOCKETS_MAX) {
        socket.close(
          1013,
          `${ErrorCode.STREAM_LIMIT_REACHED}: the node serves ${STREAM_SOCKETS_MAX} streams; retry later`,
        );
        return;
      }
      open++;
      socket.on("close", () => {
        open--;
      });
      const filter = parseOrThrow(streamQuery, request.query, "query string");
      new BlockStream(socket, node, filter, request.log as Logger);
    },
  );
}
