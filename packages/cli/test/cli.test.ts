import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Ledger } from "@citychain/ledger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, randomPortBase, startNodeProcess, stopNode, tempDir } from "./helpers.ts";

describe("citychain CLI end to end", () => {
  const dir = tempDir("citychain-cli-");
  const port = randomPortBase();
  const url = `http://127.0.0.1:${port}`;
  const home = join(dir, "nodes", "org1-node");
  const member = join(dir, "orgs", "org1", "member");
  let node: ChildProcess | undefined;

  beforeAll(async () => {
    const init = cli([
      "network",
      "init",
      "--orgs",
      "org1,org2,org3,org4",
      "--dir",
      dir,
      "--api-port-base",
      String(port),
      "--p2p-port-base",
      String(port + 10),
      "--json",
    ]);
    expect(init.status, init.stderr).toBe(0);
    expect(init.json()).toMatchObject({ chainId: "citychain-local", mode: "alliance" });
    node = await startNodeProcess(home, url);
  });

  afterAll(async () => {
    if (node) await stopNode(node, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to overwrite a network and explains", () => {
    const again = cli(["network", "init", "--orgs", "org1", "--dir", dir, "--json"]);
    expect(again.status).toBe(1);
    expect(again.json()).toMatchObject({ error: { code: "CONFIG_INVALID" } });
  });

  it("submits, queries and shows blocks; verify is clean; a flipped byte is found", async () => {
    const put = cli([
      "tx",
      "submit",
      "--url",
      url,
      "--as",
      member,
      "--contract",
      "kv",
      "--fn",
      "put",
      "city",
      "chain",
      "--json",
    ]);
    expect(put.status, put.stderr + put.stdout).toBe(0);
    const committed = put.json() as { id: string; height: number };
    expect(committed.height).toBeGreaterThan(0);

    const other = cli([
      "tx",
      "submit",
      "--url",
      url,
      "--as",
      join(dir, "orgs", "org3", "member"),
      "--contract",
      "kv",
      "--fn",
      "put",
      "second",
      "value",
      "--json",
    ]);
    expect(other.status, other.stderr + other.stdout).toBe(0);

    const q = cli(["query", "--url", url, "--as", member, "--contract", "kv", "--fn", "get", "city", "--json"]);
    expect(q.status, q.stderr).toBe(0);
    expect(q.json()).toMatchObject({ resultText: "chain" });

    const missing = cli([
      "query",
      "--url",
      url,
      "--as",
      member,
      "--contract",
      "kv",
      "--fn",
      "get",
      "nothing",
      "--json",
    ]);
    expect(missing.status).toBe(1);
    expect(missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });

    const badIdentity = cli([
      "tx",
      "submit",
      "--url",
      url,
      "--as",
      join(dir, "nope"),
      "--contract",
      "kv",
      "--fn",
      "put",
      "a",
      "b",
      "--json",
    ]);
    expect(badIdentity.status).toBe(1);
    expect(badIdentity.json()).toMatchObject({ error: { code: "IDENTITY_LOAD_FAILED" } });

    const block = cli(["block", "show", String(committed.height), "--url", url, "--as", member, "--json"]);
    expect(block.status, block.stderr).toBe(0);
    expect(block.json()).toMatchObject({ height: committed.height });

    if (node) await stopNode(node);
    node = undefined;

    const clean = cli(["verify", "--home", home, "--json"]);
    expect(clean.status, clean.stderr).toBe(0);
    const report = clean.json() as { ok: boolean; heights: number; txs: number };
    expect(report.ok).toBe(true);
    expect(report.txs).toBeGreaterThanOrEqual(2);

    // Damage one byte inside the stored block that holds the first transaction.
    const ledger = Ledger.open(join(home, "data"));
    const bytes = ledger.getBlockBytes(committed.height) as Uint8Array;
    const damaged = new Uint8Array(bytes);
    damaged[damaged.length - 40] ^= 0x01;
    await ledger.unsafePutRawBlockBytes(committed.height, damaged);
    await ledger.close();

    const bad = cli(["verify", "--home", home, "--json"]);
    expect(bad.status).toBe(2);
    const fault = (bad.json() as { ok: boolean; fault: { height: number; code: string; reason: string } }).fault;
    expect(fault.height).toBe(committed.height);
    expect(fault.reason.length).toBeGreaterThan(5);
    const text = cli(["verify", "--home", home]);
    expect(text.stdout).toContain(`BAD at height ${committed.height}`);
  });
});
