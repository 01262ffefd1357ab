import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Path of the CLI entry point, so a command can start nodes as separate processes. */
export const CLI_MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

/** Starts `citychain node start --home <home>` as a child process (same Node, same loader). */
export function spawnNode(home: string, opts: { logFile?: number | "inherit" } = {}): ChildProcess {
  const stdio = opts.logFile ?? "inherit";
  return spawn(process.execPath, [...process.execArgv, CLI_MAIN, "node", "start", "--home", home], {
    stdio: ["ignore", stdio, stdio],
  });
}

/** Polls the node's /healthz until it answers, at most timeoutMs. */
export async function waitForApi(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
  }
  throw new Error(`node at ${url} did not answer within ${timeoutMs} ms`);
}
