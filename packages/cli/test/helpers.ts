import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initNetwork, type NetworkLayout } from "@citychain/node";
import { CLI_MAIN, waitForApi } from "../src/index.ts";

export const REPO_ROOT = join(CLI_MAIN, "../../../..");

/** Runs `citychain <args>` to completion in a separate process. */
export function cli(args: string[]): { status: number | null; stdout: string; stderr: string; json: () => unknown } {
  const r = spawnSync(process.execPath, ["--import", "tsx", CLI_MAIN, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/** As `cli`, without blocking this process (for nodes running inside the test process). */
export function cliAsync(
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string; json: () => unknown }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI_MAIN, ...args], { cwd: REPO_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A port range unlikely to collide between test files running in parallel. */
export function randomPortBase(): number {
  return 21_000 + Math.floor(Math.random() * 400) * 50;
}

/** Starts `citychain node start --home <home>` as a real process. */
export async function startNodeProcess(home: string, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI_MAIN, "node", "start", "--home", home], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  try {
    await waitForApi(url, 30_000);
  } catch (e) {
    child.kill("SIGKILL");
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function stopNode(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  const done = exited(child);
  child.kill(signal);
  await done;
}

/** Polls f until it yields a value (errors count as "not yet"), at most timeoutMs; bounded. */
export async function until<T>(f: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** BFT timeouts short enough for tests on loopback. */
export const TEST_BFT_PARAMS = {
  timeoutProposeMs: 1_000,
  timeoutPrevoteMs: 500,
  timeoutPrecommitMs: 500,
  timeoutDeltaMs: 250,
};

/** Four organisations, `validators` of them validating, one real node process each, API ports from `apiBase`. */
export async function startProcessNetwork(
  dir: string,
  apiBase: number,
  validators: number,
): Promise<{ layout: NetworkLayout; nodes: (ChildProcess | undefined)[] }> {
  const layout = await initNetwork({
    dir,
    orgs: ["org1", "org2", "org3", "org4"],
    validators,
    apiPortBase: apiBase,
    p2pPortBase: apiBase + 20,
    params: TEST_BFT_PARAMS,
  });
  const nodes: (ChildProcess | undefined)[] = [];
  for (const [i, org] of layout.orgs.entries()) {
    nodes[i] = await startNodeProcess(org.nodeHome, `http://127.0.0.1:${apiBase + i}`);
  }
  return { layout, nodes };
}

/** Kills what is left of a process network and removes its directory. */
export async function stopProcessNetwork(nodes: (ChildProcess | undefined)[], dir: string): Promise<void> {
  for (const n of nodes) if (n) await stopNode(n, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
