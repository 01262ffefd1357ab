/**
 * Loggers for contracts (`ctx.logging.getLogger`, `shim.newLogger`). Fabric
 * writes to the console through winston; here every line goes to the host
 * (`host.log`) of the invocation being dispatched, prefixed with the logger's
 * name. There is no timestamp: the host stamps its own lines, and a contract
 * has no clock. Loggers may be created at module load (before any host
 * exists), so they look up the active sink when they write.
 */

import type { ContractHost } from "./host.ts";

type HostLevel = Parameters<ContractHost["log"]>[0];

/** Winston's npm levels, most severe first, as Fabric's loggers accept them. */
const LEVEL_RANK = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 } as const;
type LoggerLevel = keyof typeof LEVEL_RANK;

/** A contract logger with winston's level methods. */
export interface Logger {
  /** The level below which lines are dropped (winston's name for it). */
  readonly level: string;
  log(level: string, message: unknown, ...meta: unknown[]): void;
  error(message: unknown, ...meta: unknown[]): void;
  warn(message: unknown, ...meta: unknown[]): void;
  info(message: unknown, ...meta: unknown[]): void;
  http(message: unknown, ...meta: unknown[]): void;
  verbose(message: unknown, ...meta: unknown[]): void;
  debug(message: unknown, ...meta: unknown[]): void;
  silly(message: unknown, ...meta: unknown[]): void;
}

let activeHost: ContractHost | undefined;
let activeLevel: LoggerLevel = "info";

/**
 * Routes log lines to `host` until the returned function is called; the level
 * starts at Fabric's default (`info`) for every invocation, so one
 * transaction's `setLevel` does not leak into the next.
 */
export function bindLogSink(host: ContractHost): () => void {
  const previousHost = activeHost;
  const previousLevel = activeLevel;
  activeHost = host;
  activeLevel = "info";
  return () => {
    activeHost = previousHost;
    activeLevel = previousLevel;
  };
}

/**
 * Sets the level of all loggers, mapping Fabric's level names (CRITICAL,
 * ERROR, WARNING, INFO, DEBUG) as Fabric does; anything else means `info`.
 */
export function setLogLevel(level: string): void {
  const names: Record<string, LoggerLevel> = {
    CRITICAL: "error",
    ERROR: "error",
    WARNING: "warn",
    INFO: "info",
    DEBUG: "debug",
  };
  activeLevel = typeof level === "string" ? (names[level.toUpperCase()] ?? "info") : "info";
}

/** Creates a logger whose lines read `[name] message meta...`. */
export function getLogger(name: string): Logger {
  const write = (level: LoggerLevel, message: unknown, meta: unknown[]): void => {
    if (activeHost === undefined || LEVEL_RANK[level] > LEVEL_RANK[activeLevel]) return;
    activeHost.log(hostLevelOf(level), formatLine(name, message, meta));
  };
  return {
    get level() {
      return activeLevel;
    },
    log: (level, message, ...meta) => write(isLoggerLevel(level) ? level : "info", message, meta),
    error: (message, ...meta) => write("error", message, meta),
    warn: (message, ...meta) => write("warn", message, meta),
    info: (message, ...meta) => write("info", message, meta),
    http: (message, ...meta) => write("http", message, meta),
    verbose: (message, ...meta) => write("verbose", message, meta),
    debug: (message, ...meta) => write("debug", message, meta),
    silly: (message, ...meta) => write("silly", message, meta),
  };
}

function isLoggerLevel(level: string): level is LoggerLevel {
  return Object.hasOwn(LEVEL_RANK, level);
}

function hostLevelOf(level: LoggerLevel): HostLevel {
  if (level === "error" || level === "warn") return level;
  return LEVEL_RANK[level] <= LEVEL_RANK.http ? "info" : "debug";
}

function formatLine(name: string, message: unknown, meta: unknown[]): string {
  const parts = [`[${name}]`, textOf(message), ...meta.map(textOf)];
  return parts.join(" ");
}

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
