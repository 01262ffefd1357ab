import { readFileSync } from "node:fs";
import { loadIdentity } from "@citychain/crypto";
import { bytesToUtf8 } from "@citychain/protocol";
import { CityChainClient } from "@citychain/sdk";
import type { Command } from "commander";
import { type Output, print, printError } from "../output.ts";
import { resolveUrl } from "../resolve-url.ts";

/** Shows bytes as text when they are printable UTF-8, else as base64. */
function showBytes(b: Uint8Array): string {
  const text = bytesToUtf8(b);
  return /^[\P{Cc}\n\t]*$/u.test(text) && !text.includes("\uFFFD") ? text : Buffer.from(b).toString("base64");
}

export function withConnection(cmd: Command): Command {
  return cmd
    .option("--url <url>", "node API URL (default $CITYCHAIN_URL or http://127.0.0.1:7051)")
    .option("--node <home>", "take the API URL from this node home's config.json")
    .option("--json", "machine-readable output");
}

/** `name=value` or `name=@file` entries as a transient map. */
function transientOf(entries: string[] | undefined): Record<string, Uint8Array> | undefined {
  if (!entries) return undefined;
  const map: Record<string, Uint8Array> = {};
  for (const e of entries) {
    const eq = e.indexOf("=");
    if (eq <= 0) {
      throw Object.assign(new Error(`--transient '${e}' must be name=value or name=@file`), {
        code: "REQUEST_INVALID",
      });
    }
    const value = e.slice(eq + 1);
    map[e.slice(0, eq)] = value.startsWith("@")
      ? new Uint8Array(readFileSync(value.slice(1)))
      : new Uint8Array(Buffer.from(value, "utf8"));
  }
  return map;
}

export function registerTx(program: Command): void {
  const tx = program.command("tx").description("transactions");
  withConnection(
    tx
      .command("submit")
      .description("sign a transaction with an identity, submit it and wait for its commit")
      .requiredOption("--as <dir>", "identity directory (cert.pem, key.pem) of the signer")
      .option("--co-sign <dirs...>", "identity directories of further signers (rules that need several parties)")
      .requiredOption("--contract <name>", "contract name, e.g. kv")
      .requiredOption("--fn <name>", "function name, e.g. put")
      .option(
        "--transient <entries...>",
        "transient data name=value or name=@file (private data collections): the node endorses it, the value never enters a block",
      )
      .option("--endorsers <urls...>", "further member nodes whose endorsements the contract's policy needs")
      .argument("[args...]", "arguments, as strings"),
  ).action(async (args: string[], o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const identity = await loadIdentity(o.as);
      const client = new CityChainClient({ url: resolveUrl(o), identity });
      const cosigners = await Promise.all(((o.coSign as string[] | undefined) ?? []).map((d) => loadIdentity(d)));
      const call = { contract: o.contract, fn: o.fn, args, cosigners };
      const r =
        o.transient || o.endorsers
          ? await client.submitPrivate({ ...call, transient: transientOf(o.transient), endorsers: o.endorsers })
          : await client.submit(call);
      print(out, { ...r, returnValue: Buffer.from(r.returnValue ?? new Uint8Array()).toString("base64") }, () => {
        const value = r.returnValue && r.returnValue.length > 0 ? `\n${showBytes(r.returnValue)}` : "";
        return `committed ${r.id} at height ${r.height} (index ${r.index})${value}`;
      });
    } catch (e) {
      printError(out, e);
    }
  });

  withConnection(
    tx
      .command("show")
      .description("a transaction by id, with its status and proof")
      .requiredOption("--as <dir>", "identity directory (reads need a member in alliance mode)")
      .argument("<id>", "transaction id (hex)"),
  ).action(async (id: string, o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const client = new CityChainClient({ url: resolveUrl(o), identity: await loadIdentity(o.as) });
      const t = await client.getTx(id);
      print(out, t, () => JSON.stringify(t, null, 2));
    } catch (e) {
      printError(out, e);
    }
  });
}

export function registerQuery(program: Command): void {
  withConnection(
    program
      .command("query")
      .description("evaluate a contract function against committed state (nothing is written)")
      .requiredOption("--as <dir>", "identity directory of the caller")
      .requiredOption("--contract <name>", "contract name, e.g. kv")
      .requiredOption("--fn <name>", "function name, e.g. get")
      .option("--transient <entries...>", "transient data name=value or name=@file")
      .argument("[args...]", "arguments, as strings"),
  ).action(async (args: string[], o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const client = new CityChainClient({ url: resolveUrl(o), identity: await loadIdentity(o.as) });
      const r = await client.evaluate({ contract: o.contract, fn: o.fn, args, transient: transientOf(o.transient) });
      print(out, { result: Buffer.from(r).toString("base64"), resultText: showBytes(r) }, () => showBytes(r));
    } catch (e) {
      printError(out, e);
    }
  });
}

export function registerBlock(program: Command): void {
  const block = program.command("block").description("blocks");
  withConnection(
    block
      .command("show")
      .description("a block by height (or 'latest') or hash")
      .option("--as <dir>", "identity directory (reads need a member in alliance mode)")
      .argument("<heightOrHash>", "height, 'latest', or block hash (hex)"),
  ).action(async (which: string, o) => {
    const out: Output = { json: Boolean(o.json) };
    try {
      const client = new CityChainClient({ url: resolveUrl(o), identity: o.as ? await loadIdentity(o.as) : undefined });
      const b = await client.getBlock(which);
      print(out, b, () => JSON.stringify(b, null, 2));
    } catch (e) {
      printError(out, e);
    }
  });
}
