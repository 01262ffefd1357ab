import type { CertSigner } from "@citychain/crypto";
import { CityChainError, ErrorCode } from "@citychain/protocol";
import { signedRequestHeaders } from "./auth-headers.ts";

/** A coded error from the node, with the HTTP status it came with. */
export type ApiError = CityChainError<{ code: string; status: number }>;

export interface HttpRequest {
  method: "GET" | "POST";
  /** Path with query, e.g. `/v1/blocks/3?format=json`. */
  path: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is with `contentType`. */
  body?: Uint8Array;
  contentType?: string;
}

/** Signs (when it has an identity), sends, and turns `{error}` answers into CityChainError. */
export class HttpTransport {
  readonly baseUrl: string;

  constructor(
    url: string,
    private readonly identity?: CertSigner,
  ) {
    this.baseUrl = url.replace(/\/+$/, "");
  }

  /** The response, after any error status was turned into a thrown ApiError. */
  async send(req: HttpRequest): Promise<Response> {
    let body: Uint8Array | undefined = req.body;
    const headers: Record<string, string> = {};
    if (req.json !== undefined) {
      body = new TextEncoder().encode(JSON.stringify(req.json));
      headers["content-type"] = "application/json";
    } else if (body !== undefined) {
      headers["content-type"] = req.contentType ?? "application/octet-stream";
    }
    if (this.identity) Object.assign(headers, signedRequestHeaders(this.identity, req.method, req.path, body));
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${req.path}`, { method: req.method, headers, body });
    } catch (e) {
      throw new CityChainError(
        { code: ErrorCode.INTERNAL, status: 0 },
        `cannot reach the node at ${this.baseUrl}: ${(e as Error).message}`,
      );
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  async json<T>(req: HttpRequest): Promise<T> {
    const res = await this.send(req);
    return (await res.json()) as T;
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === "string") {
      return new CityChainError({ code: parsed.error.code, status: res.status }, String(parsed.error.message ?? ""));
    }
  } catch {
    // Not our error shape: fall through to a generic one.
  }
  return new CityChainError(
    { code: ErrorCode.INTERNAL, status: res.status },
    `HTTP ${res.status}: ${text.slice(0, 200)}`,
  );
}
