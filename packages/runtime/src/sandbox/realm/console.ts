import { format } from "./format.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Where log lines of the running invocation go; none outside an invocation. */
export interface LogSink {
  current: ((level: LogLevel, message: string) => void) | undefined;
}

/**
 * The realm's `console`: each call becomes one line for the host's log, cut
 * at `charsMax`. Lines written outside an invocation (module load) are dropped.
 */
export function createConsole(sink: LogSink, charsMax: number): Record<string, (...args: unknown[]) => void> {
  const write =
    (level: LogLevel) =>
    (...args: unknown[]): void => {
      const send = sink.current;
      if (send === undefined) return;
      const line = format(...args);
      send(level, line.length > charsMax ? `${line.slice(0, charsMax)}…` : line);
    };
  const log = write("info");
  return {
    log,
    info: log,
    debug: write("debug"),
    trace: write("debug"),
    warn: write("warn"),
    error: write("error"),
    dir: (value: unknown) => log(value),
    assert: (condition: unknown, ...args: unknown[]) => {
      if (!condition) write("error")("Assertion failed", ...args);
    },
  };
}
