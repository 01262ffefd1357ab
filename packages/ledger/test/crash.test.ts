import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bytesToUint64, decodeBlock, decodeCommit } from "@citychain/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../src/index.ts";
import { COUNTER_KEY, counterBlock, FILLER_WRITES, fillerKey } from "./fixtures/counter-block.ts";
import { appHashAt } from "./fixtures/sample-block.ts";
import { makeTempDir } from "./fixtures/temp-dir.ts";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL("./fixtures/commit-loop.ts", import.meta.url));
/** The child stops by itself here if it is never killed: keeps the loop bounded. */
const CHILD_MAX_HEIGHT = 100_000;
/** Printed heights to wait for before each kill; different values vary where the kill lands. */
const KILL_AFTER_PRINTED = [15, 40, 7, 60];
const CHILD_TIMEOUT_MS = 60_000;

/**
 * Starts the commit loop and SIGKILLs it once it has printed `killAfter`
 * heights in this run. Resolves to the last height it printed.
 */
function runAndKill(dir: string, killAfter: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", CHILD_SCRIPT, dir, String(CHILD_MAX_HEIGHT)],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let lastPrinted = -1;
    let printed = 0;
    let buffered = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child did not print ${killAfter} heights within ${CHILD_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout?.on("data", (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const m = /^committed (\d+)$/.exec(line);
        if (!m) continue;
        lastPrinted = Number(m[1]);
        printed++;
        if (printed === killAfter) child.kill("SIGKILL");
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve(lastPrinted);
      else reject(new Error(`child exited by itself (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });
  });
}

/** Checks that the ledger holds blocks 1..latest whole and nothing of latest+1. */
function checkConsistent(ledger: Ledger, latest: number): void {
  for (let h = 1; h <= latest; h++) {
    const expected = counterBlock(h);
    const block = decodeBlock(ledger.getBlockBytes(h) ?? new Uint8Array(0));
    expect(block.header.height, `block ${h}`).toBe(h);
    expect(ledger.heightOfHash(expected.blockHash), `hash index of ${h}`).toBe(h);
    const commit = decodeCommit(ledger.getCommitBytes(h) ?? new Uint8Array(0));
    expect(commit.blockHash, `commit of ${h}`).toEqual(expected.blockHash);
    expect(ledger.getResults(h), `results of ${h}`).toEqual(expected.results);
    expect(ledger.getState(fillerKey(h, FILLER_WRITES - 1)), `last filler of ${h}`).toBeDefined();
  }
  expect(bytesToUint64(ledger.getState(COUNTER_KEY)!)).toBe(latest);
  expect(ledger.appHash()).toEqual(appHashAt(latest));
  expect(ledger.latestBlockHash()).toEqual(counterBlock(latest).blockHash);
  expect(ledger.getHistory(COUNTER_KEY, { limit: 10_000 }).map((e) => e.height)).toEqual(
    Array.from({ length: latest }, (_, i) => i + 1),
  );
  // Nothing of the block the kill may have interrupted.
  const next = counterBlock(latest + 1);
  expect(ledger.getBlockBytes(latest + 1)).toBeUndefined();
  expect(ledger.getCommitBytes(latest + 1)).toBeUndefined();
  expect(ledger.heightOfHash(next.blockHash)).toBeUndefined();
  expect(ledger.getTxLocation(next.txIds[0])).toBeUndefined();
  expect(ledger.getState(fillerKey(latest + 1, 0))).toBeUndefined();
}

describe("crash safety", () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeAll(() => {
    tmp = makeTempDir("crash");
  });
  afterAll(() => tmp.cleanup());

  it("keeps exactly the committed blocks across repeated SIGKILLs mid-stream", async () => {
    let previousLatest = 0;
    for (const [round, killAfter] of KILL_AFTER_PRINTED.entries()) {
      const lastPrinted = await runAndKill(tmp.dir, killAfter);
      // Lines already in the pipe when the kill lands are acknowledged commits too, hence >=.
      expect(lastPrinted, `round ${round}: heights continue after a crash`).toBeGreaterThanOrEqual(
        previousLatest + killAfter,
      );

      const ledger = Ledger.open(tmp.dir);
      try {
        const latest = ledger.latestHeight();
        // Everything acknowledged is there; a commit that finished after the last print may be too.
        expect(latest, `round ${round}`).toBeGreaterThanOrEqual(lastPrinted);
        checkConsistent(ledger, latest);
        previousLatest = latest;
      } finally {
        await ledger.close();
      }
    }
  });
});
