import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CityChainError, ErrorCode } from "@citychain/protocol";

/** A node's home directory: config.json, genesis.json, identity/, data/. */
export interface NodeConfig {
  name: string;
  orgId: string;
  api: { host: string; port: number };
  /** "solo" until the BFT engine lands. */
  producer: "solo" | "none";
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export const NODE_CONFIG_FILE = "config.json";
export const GENESIS_FILE = "genesis.json";
export const IDENTITY_DIR = "identity";
export const DATA_DIR = "data";

function bad(home: string, message: string): never {
  throw new CityChainError({ code: ErrorCode.CONFIG_INVALID }, `${join(home, NODE_CONFIG_FILE)}: ${message}`);
}

export function readNodeConfig(home: string): NodeConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(home, NODE_CONFIG_FILE), "utf8"));
  } catch (e) {
    bad(home, `cannot be read (${(e as Error).message}); create the node with 'citychain network init'`);
  }
  const c = raw as Partial<NodeConfig>;
  if (typeof c.name !== "string" || c.name.length === 0) bad(home, "'name' must be the node's name");
  if (typeof c.orgId !== "string") bad(home, "'orgId' must be the node's organisation id");
  const api = c.api ?? { host: "127.0.0.1", port: 0 };
  if (typeof api.host !== "string" || !Number.isInteger(api.port) || api.port < 0 || api.port > 65535) {
    bad(home, "'api' must be {host, port} with port 0-65535");
  }
  const producer = c.producer ?? "solo";
  if (producer !== "solo" && producer !== "none") bad(home, "'producer' must be 'solo' or 'none'");
  return { name: c.name, orgId: c.orgId, api, producer, logLevel: c.logLevel ?? "info" };
}

export function readGenesisFile(home: string): unknown {
  try {
    return JSON.parse(readFileSync(join(home, GENESIS_FILE), "utf8"));
  } catch (e) {
    throw new CityChainError(
      { code: ErrorCode.GENESIS_INVALID },
      `${join(home, GENESIS_FILE)} cannot be read: ${(e as Error).message}`,
    );
  }
}
