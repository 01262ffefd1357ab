import { readNodeConfig } from "@citychain/node";

export const DEFAULT_API_URL = "http://127.0.0.1:7051";

/** The API to talk to: --url, else --node's config, else $CITYCHAIN_URL, else the default first node. */
export function resolveUrl(opts: { url?: string; node?: string }): string {
  if (opts.url) return opts.url.replace(/\/$/, "");
  if (opts.node) {
    const c = readNodeConfig(opts.node);
    return `http://${c.api.host}:${c.api.port}`;
  }
  return process.env.CITYCHAIN_URL ?? DEFAULT_API_URL;
}
