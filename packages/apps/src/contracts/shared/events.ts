import type { Context } from "@citychain/contract-api";

/**
 * Emits a contract event with a JSON payload. The runtime keeps every event
 * of a transaction (at most 64) and publishes them when its block commits;
 * subscribers (the API stream, the SDK) filter by name and payload.
 */
export function emitEvent(ctx: Context, name: string, payload: unknown): void {
  ctx.stub.setEvent(name, JSON.stringify(payload));
}
