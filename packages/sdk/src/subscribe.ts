import type { CertSigner } from "@citychain/crypto";
import { CityChainError, ErrorCode } from "@citychain/protocol";
import { WebSocket } from "ws";
import type { StreamBlock, StreamEvent } from "./api-types.ts";
import { signedRequestHeaders } from "./auth-headers.ts";

/** Largest message the client accepts from the stream. */
export const STREAM_MESSAGE_BYTES_MAX = 16 * 1024 * 1024;

export interface SubscribeOptions {
  /** First height to deliver; default: only blocks committed from now on. */
  fromHeight?: number;
  contract?: string;
  event?: string;
  onBlock?: (b: StreamBlock) => void;
  onEvent?: (e: StreamEvent) => void;
  /** The stream ended; `code`/`reason` as the server closed it (e.g. 1008 STREAM_TOO_SLOW). */
  onClose?: (code: number, reason: string) => void;
  onError?: (err: Error) => void;
}

export interface Subscription {
  /** Resolves once the socket is open and the server accepted the subscription. */
  readonly opened: Promise<void>;
  close(): void;
}

/** Opens GET /v1/stream as a WebSocket, signing the upgrade request when an identity is given. */
export function subscribeStream(
  baseUrl: string,
  identity: CertSigner | undefined,
  opts: SubscribeOptions,
): Subscription {
  const query = new URLSearchParams();
  if (opts.fromHeight !== undefined) query.set("fromHeight", String(opts.fromHeight));
  if (opts.contract) query.set("contract", opts.contract);
  if (opts.event) query.set("event", opts.event);
  const qs = query.toString();
  const path = `/v1/stream${qs ? `?${qs}` : ""}`;
  const headers = identity ? signedRequestHeaders(identity, "GET", path) : {};
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}${path}`, {
    headers,
    maxPayload: STREAM_MESSAGE_BYTES_MAX,
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.on("open", () => resolve());
    ws.on("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        let code: string = ErrorCode.INTERNAL;
        let message = `stream refused with HTTP ${res.statusCode}`;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
            error?: { code: string; message: string };
          };
          if (body.error) ({ code, message } = body.error);
        } catch {
          // Keep the generic message.
        }
        const err = new CityChainError({ code, status: res.statusCode ?? 0 }, message);
        opts.onError?.(err);
        reject(err);
        ws.terminate();
      });
    });
    ws.on("error", (err) => {
      opts.onError?.(err);
      reject(err);
    });
  });
  // Callers that only use callbacks must not see an unhandled rejection.
  opened.catch(() => {});
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString("utf8")) as StreamBlock | StreamEvent;
    if (msg.type === "block") opts.onBlock?.(msg);
    else if (msg.type === "event") opts.onEvent?.(msg);
  });
  ws.on("close", (code, reason) => opts.onClose?.(code, reason.toString("utf8")));
  return { opened, close: () => ws.close(1000, "client closed") };
}
