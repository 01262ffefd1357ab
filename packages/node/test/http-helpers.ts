import type { CertSigner } from "@citychain/crypto";
import { signedRequestHeaders } from "@citychain/sdk";

export interface RawResponse {
  status: number;
  body: unknown;
  /** `body.error.code` when the answer is an error. */
  code?: string;
}

/** A plain HTTP call, signed when a signer is given, for checking statuses and error shapes. */
export async function call(
  url: string,
  method: "GET" | "POST",
  path: string,
  opts: { json?: unknown; body?: Uint8Array | string; contentType?: string; signer?: CertSigner; timeMs?: number } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  let body: Uint8Array | undefined;
  if (opts.json !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(opts.json));
    headers["content-type"] = "application/json";
  } else if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? new TextEncoder().encode(opts.body) : opts.body;
    headers["content-type"] = opts.contentType ?? "application/json";
  }
  if (opts.signer) Object.assign(headers, signedRequestHeaders(opts.signer, method, path, body, opts.timeMs));
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (metrics, CBOR): keep the text.
  }
  const code = (parsed as { error?: { code?: string } } | undefined)?.error?.code;
  return { status: res.status, body: parsed, code };
}
