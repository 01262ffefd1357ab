import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CityChainError, ErrorCode } from "@citychain/protocol";

/** A node's home directory: config.json, genesis.json, identity/, data/. */
export interface NodeConfig {
  name: string;
  orgId: string;
  api: { host: string; port: number };
  /** "solo": the only validator makes blocks; "bft": Tendermint consensus among validators over p2p; "none": follow peers through block sync. */
  producer: "solo" | "bft" | "none";
  /** Peer-to-peer: where this node listens (TLS 1.3, node certificates) and whom it dials. Absent: no p2p. */
  p2p?: { host: string; port: number; peers: { name: string; host: string; port: number; orgId?: string }[] };
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
  if (producer !== "solo" && producer !== "bft" && producer !== "none") {
    bad(home, "'producer' must be 'solo', 'bft' or 'none'");
  }
  if (producer === "bft" && c.p2p === undefined) bad(home, "'producer' 'bft' needs a 'p2p' section");
  let p2p: NodeConfig["p2p"];
  if (c.p2p !== undefined) {
    const p = c.p2p;
    const okPort = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 65535;
    if (typeof p?.host !== "string" || !okPort(p.port) || !Array.isArray(p.peers)) {
      bad(home, "'p2p' must be {host, port, peers: [{name, host, port, orgId?}]}");
    }
    for (const [i, peer] of p.peers.entries()) {
      if (typeof peer?.name !== "string" || typeof peer.host !== "string" || !okPort(peer.port)) {
        bad(home, `'p2p.peers[${i}]' must be {name, host, port, orgId?}`);
      }
    }
    p2p = { host: p.host, port: p.port, peers: p.peers };
  }
  return { name: c.name, orgId: c.orgId, api, producer, p2p, logLevel: c.logLevel ?? "info" };
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
