import { ErrorCode } from "@citychain/protocol";
import { CityChainClient } from "@citychain/sdk";
import { pino } from "pino";
import { afterAll, beforeAll, expect, test } from "vitest";
import { STREAM_BACKLOG_BYTES_MAX, STREAM_CLOSE_TOO_SLOW } from "../src/api/limits.ts";
import { BlockStream, type StreamSocket } from "../src/api/stream.ts";
import { startTestNetwork, type TestNetwork } from "./test-network.ts";

let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork("alliance");
});

afterAll(async () => {
  await net?.stop();
});

/** A socket whose unsent backlog the test sets, standing in for a client that stopped reading. */
class StalledSocket implements StreamSocket {
  bufferedAmount = 0;
  readyState = 1;
  sent: string[] = [];
  closed: { code?: number; reason?: string } | undefined;
  send(data: string): void {
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  on(): this {
    return this;
  }
}

test("a subscriber whose backlog passes the limit is closed with STREAM_TOO_SLOW", async () => {
  const client = new CityChainClient({ url: net.url, identity: net.member });
  await client.submitTransaction("kv", "put", "a", "1");
  const socket = new StalledSocket();
  new BlockStream(socket, net.node, { fromHeight: 1 }, pino({ level: "silent" }));
  await new Promise((r) => setTimeout(r, 50));
  expect(socket.sent.length).toBeGreaterThan(0);
  expect(socket.closed).toBeUndefined();
  socket.bufferedAmount = STREAM_BACKLOG_BYTES_MAX + 1;
  await client.submitTransaction("kv", "put", "b", "2");
  await new Promise((r) => setTimeout(r, 50));
  expect(socket.closed?.code).toBe(STREAM_CLOSE_TOO_SLOW);
  expect(socket.closed?.reason).toContain(ErrorCode.STREAM_TOO_SLOW);
  expect(socket.closed?.reason).toMatch(/fromHeight=2/);
  expect(Buffer.byteLength(socket.closed?.reason ?? "")).toBeLessThanOrEqual(123);
});
