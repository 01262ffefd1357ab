import { ErrorCode } from "@citychain/protocol";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestNetwork, type TestNetwork } from "../../node/test/test-network.ts";
import { CityChainClient, type StreamBlock, type StreamEvent, type Subscription } from "../src/index.ts";

let net: TestNetwork;
let client: CityChainClient;

beforeAll(async () => {
  net = await startTestNetwork("alliance");
  client = new CityChainClient({ url: net.url, identity: net.member });
  for (const k of ["a", "b", "c"]) await client.submitTransaction("kv", "put", k, k);
});

afterAll(async () => {
  await net?.stop();
});

async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectContiguous(blocks: StreamBlock[], from: number, to: number): void {
  expect(blocks.map((b) => b.height)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
}

test("replays from height 1, then delivers live blocks and events without gaps or repeats", async () => {
  const blocks: StreamBlock[] = [];
  const events: StreamEvent[] = [];
  const sub = client.subscribe({ fromHeight: 1, onBlock: (b) => blocks.push(b), onEvent: (e) => events.push(e) });
  await sub.opened;
  // Live transactions race the replay: the switch-over must neither skip nor repeat.
  const live = await Promise.all(["d", "e", "f", "g"].map((k) => client.submitTransaction("kv", "put", k, k)));
  const last = Math.max(...live.map((l) => l.height));
  await until(() => blocks.length > 0 && blocks[blocks.length - 1].height >= last, `block ${last}`);
  sub.close();
  expectContiguous(blocks, 1, last);
  const keys = events.filter((e) => e.contract === "kv" && e.name === "put").map((e) => e.payloadText);
  expect(keys.sort()).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
  for (const e of events) {
    const block = blocks.find((b) => b.height === e.height);
    expect(block?.txs[e.txIndex]?.id, `event of ${e.txId}`).toBe(e.txId);
  }
});

test("without fromHeight only new blocks arrive; filters narrow events", async () => {
  const start = net.node.ledger.latestHeight();
  const blocks: StreamBlock[] = [];
  const events: StreamEvent[] = [];
  const subs: Subscription[] = [
    client.subscribe({ onBlock: (b) => blocks.push(b) }),
    client.subscribe({ fromHeight: 1, contract: "membership", onEvent: (e) => events.push(e) }),
  ];
  await Promise.all(subs.map((s) => s.opened));
  const r = await client.submitTransaction("kv", "put", "h", "h");
  await until(() => blocks.some((b) => b.height === r.height), "the new block");
  for (const s of subs) s.close();
  expect(blocks[0].height).toBe(start + 1);
  expect(events).toEqual([]);
});

test("an unsigned subscription in alliance mode is refused with AUTH_REQUIRED", async () => {
  const sub = new CityChainClient({ url: net.url }).subscribe({ fromHeight: 1 });
  await expect(sub.opened).rejects.toMatchObject({ code: ErrorCode.AUTH_REQUIRED });
});

test("a bad query is refused before the upgrade", async () => {
  const sub = client.subscribe({ fromHeight: -1 });
  await expect(sub.opened).rejects.toMatchObject({ code: ErrorCode.REQUEST_INVALID });
});
