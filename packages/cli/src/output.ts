import { CityChainError, isCityChainError } from "@citychain/protocol";

/** How a command prints: for people (text) or for programs (--json). */
export interface Output {
  json: boolean;
}

export function print(out: Output, value: unknown, text: () => string): void {
  if (out.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${text()}\n`);
}

/** Prints an error with its code and sets a failing exit code; never throws. */
export function printError(out: Output, e: unknown): void {
  const err = isCityChainError(e) ? e : new CityChainError({ code: "INTERNAL" }, (e as Error)?.message ?? String(e));
  if (out.json) process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`);
  else process.stderr.write(`error ${err.code}: ${err.message}\n`);
  process.exitCode = 1;
}

/**
 * A progress bar on stderr for long work; silent when stderr is not a
 * terminal or output is JSON, so scripts get clean output.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    out: Output,
  ) {
    this.enabled = !out.json && process.stderr.isTTY === true;
  }

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const width = 30;
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    process.stderr.write(`\r${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`);
  }

  finish(): void {
    if (this.enabled) process.stderr.write("\n");
  }
}
