import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSealKey, type LoadedIdentity, SEAL_KEY_BYTES, sign } from "@citychain/crypto";
import {
  bytesToHex,
  CityChainError,
  type Endorsement,
  ErrorCode,
  encodeSignedTx,
  endorsementSignBytes,
  hexToBytes,
  sha256,
  TRANSIENT_BYTES_MAX,
  TRANSIENT_ENTRIES_MAX,
} from "@citychain/protocol";
import { BoundedMap, type CityChainApp, type PrivateHashEntry, type PrivateWrite } from "@citychain/runtime";
import type { Logger } from "pino";
import type { P2PMessage } from "./p2p/message.ts";
import type { P2PNode } from "./p2p/p2p-node.ts";

/** File in the node's home holding the AES-256 key of its private store (hex, mode 0600). */
export const PRIVATE_KEY_FILE = "private-data.key";
/** Transactions whose private values a node keeps in memory until (and a while after) their block. */
export const PRIVATE_PENDING_TXS_MAX = 10_000;
/** Private values in one push message. */
export const PRIVATE_PUSH_WRITES_MAX = 1_000;
/** Private values held for one transaction (pushes from several peers add up to this). */
export const PRIVATE_HELD_WRITES_MAX = 4 * PRIVATE_PUSH_WRITES_MAX;
/** A node asks peers this many times for values it missed, this far apart. */
export const PRIVATE_PULL_ATTEMPTS_MAX = 5;
export const PRIVATE_PULL_INTERVAL_MS = 2_000;

/** Reads the node's private-store key, creating it (readable by the owner only) on first start. */
export function loadSealKey(home: string): Uint8Array {
  const path = join(home, PRIVATE_KEY_FILE);
  if (!existsSync(path)) writeFileSync(path, `${bytesToHex(generateSealKey())}\n`, { mode: 0o600 });
  const text = readFileSync(path, "utf8").trim();
  if (!new RegExp(`^[0-9a-f]{${SEAL_KEY_BYTES * 2}}$`).test(text)) {
    throw new CityChainError(
      { code: ErrorCode.KEY_UNSUPPORTED },
      `${path} must hold ${SEAL_KEY_BYTES * 2} hex digits (the node's private-store key); restore it from backup — without it the private store cannot be read`,
    );
  }
  return hexToBytes(text);
}

/** Checks and converts a transient map from a client (names to bytes), bounded. */
export function transientEntries(map: Record<string, Uint8Array>): [string, Uint8Array][] {
  const entries = Object.entries(map);
  const bytes = entries.reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (entries.length > TRANSIENT_ENTRIES_MAX || bytes > TRANSIENT_BYTES_MAX) {
    throw new CityChainError(
      { code: ErrorCode.REQUEST_TOO_LARGE },
      `transient data is at most ${TRANSIENT_ENTRIES_MAX} entries and ${TRANSIENT_BYTES_MAX} bytes; keep large documents off chain`,
    );
  }
  return entries;
}

interface PushMessage extends P2PMessage {
  type: "pvt/push";
  txId: string;
  writes: { contract: string; collection: string; key: string; value: Uint8Array | null }[];
}

function parsePush(msg: P2PMessage): PushMessage | undefined {
  const m = msg as Partial<PushMessage>;
  if (typeof m.txId !== "string" || !/^[0-9a-f]{64}$/.test(m.txId) || !Array.isArray(m.writes)) return undefined;
  if (m.writes.length > PRIVATE_PUSH_WRITES_MAX) return undefined;
  for (const w of m.writes) {
    if (typeof w !== "object" || w === null) return undefined;
    if (typeof w.contract !== "string" || typeof w.collection !== "string" || typeof w.key !== "string")
      return undefined;
    if (w.value !== null && !(w.value instanceof Uint8Array)) return undefined;
  }
  return m as PushMessage;
}

/**
 * Moves private values between member nodes: the endorser's push to the
 * other members' nodes (never to others), the values a node keeps until its
 * block commits, and pulls of values a node missed. What arrives is only
 * kept if it matches the hash the chain commits (the runtime checks).
 */
export class PrivateDataExchange {
  private readonly pending = new BoundedMap<PrivateWrite[]>(PRIVATE_PENDING_TXS_MAX);
  /** Transactions whose values this node lacks, oldest first (bounded like `pending`). */
  private readonly missing = new Map<string, { entries: PrivateHashEntry[]; attempts: number }>();
  private p2p: P2PNode | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly identity: LoadedIdentity,
    private readonly logger: Logger,
  ) {}

  private app!: CityChainApp;

  /** Values held for a transaction (the runtime's PrivateDataOptions.valuesOf). */
  valuesOf = (txIdHex: string): readonly PrivateWrite[] | undefined => this.pending.get(txIdHex);

  /** Called by the runtime after a block: values this node should keep but lacks. */
  onMissing = (txIdHex: string, entries: readonly PrivateHashEntry[]): void => {
    this.missing.set(txIdHex, { entries: [...entries], attempts: 0 });
    if (this.missing.size > PRIVATE_PENDING_TXS_MAX) {
      const oldest = this.missing.keys().next().value;
      if (oldest !== undefined) this.missing.delete(oldest);
    }
    this.logger.warn({ tx: txIdHex, keys: entries.length }, "private data missing after commit; asking member peers");
    this.pull(txIdHex);
  };

  attach(app: CityChainApp, p2p: P2PNode | undefined): void {
    this.app = app;
    this.p2p = p2p;
    if (!p2p) return;
    p2p.onMessage((peer, msg) => {
      if (msg.type === "pvt/push") this.onPush(peer, msg);
      else if (msg.type === "pvt/pull") this.onPull(peer, msg);
    });
    this.timer = setInterval(() => this.retryPulls(), PRIVATE_PULL_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private orgOf(peer: string): string | undefined {
    return this.p2p?.peers().find((p) => p.name === peer)?.orgId;
  }

  /**
   * Who belongs to which collection, for one message: each contract's
   * collections are read once (a lookup reads and parses its definition).
   */
  private membership(): (orgId: string | undefined, contract: string, collection: string) => boolean {
    const byContract = new Map<string, ReturnType<CityChainApp["collections"]>>();
    return (orgId, contract, collection) => {
      if (orgId === undefined) return false;
      let collections = byContract.get(contract);
      if (collections === undefined) {
        collections = this.app.collections(contract);
        byContract.set(contract, collections);
      }
      return collections.some((c) => c.name === collection && c.memberOrgs.includes(orgId));
    };
  }

  /** Sends each connected member peer the writes of collections its organisation belongs to. */
  private pushTo(txIdHex: string, writes: readonly PrivateWrite[], onlyPeer?: string): number {
    let sent = 0;
    const isMember = this.membership();
    for (const peer of this.p2p?.peers() ?? []) {
      if (onlyPeer !== undefined && peer.name !== onlyPeer) continue;
      const theirs = writes.filter((w) => isMember(peer.orgId, w.contract, w.collection));
      if (theirs.length === 0) continue;
      const msg: PushMessage = { type: "pvt/push", txId: txIdHex, writes: theirs.map((w) => ({ ...w })) };
      if (this.p2p?.send(peer.name, msg)) sent++;
    }
    return sent;
  }

  private onPush(peer: string, msg: P2PMessage): void {
    const push = parsePush(msg);
    if (!push) {
      this.p2p?.reportMisbehaviour(peer, "malformed pvt/push message");
      return;
    }
    // Only members send values, and only of collections this node's organisation belongs to.
    const from = this.orgOf(peer);
    const isMember = this.membership();
    const writes = push.writes.filter(
      (w) => isMember(from, w.contract, w.collection) && isMember(this.identity.orgId, w.contract, w.collection),
    );
    if (writes.length === 0) return;
    // Added to what is held, never replacing it: a wrong push from one peer cannot hide the right one
    // (at commit, only values matching the hashes on chain are kept).
    const held = this.pending.get(push.txId) ?? [];
    this.pending.set(push.txId, [...held, ...writes].slice(0, PRIVATE_HELD_WRITES_MAX));
    if (this.missing.has(push.txId)) {
      this.app
        .reconcilePrivate(writes)
        .then((n) => {
          this.missing.delete(push.txId);
          this.logger.info({ tx: push.txId, stored: n }, "missing private data received");
        })
        .catch((e) => this.logger.error({ err: e, tx: push.txId }, "storing received private data failed"));
    }
  }

  private onPull(peer: string, msg: P2PMessage): void {
    const txId = (msg as { txId?: unknown }).txId;
    if (typeof txId !== "string" || !/^[0-9a-f]{64}$/.test(txId)) {
      this.p2p?.reportMisbehaviour(peer, "malformed pvt/pull message");
      return;
    }
    const writes = this.pending.get(txId);
    if (writes) this.pushTo(txId, writes, peer);
  }

  private pull(txIdHex: string): void {
    const m = this.missing.get(txIdHex);
    if (!m) return;
    m.attempts++;
    const isMember = this.membership();
    for (const peer of this.p2p?.peers() ?? []) {
      if (m.entries.some((e) => isMember(peer.orgId, e.contract, e.collection))) {
        this.p2p?.send(peer.name, { type: "pvt/pull", txId: txIdHex });
      }
    }
  }

  private retryPulls(): void {
    for (const [txIdHex, m] of [...this.missing]) {
      if (m.attempts >= PRIVATE_PULL_ATTEMPTS_MAX) {
        this.missing.delete(txIdHex);
        this.logger.error({ tx: txIdHex }, "private data still missing after every pull; no member peer holds it");
        continue;
      }
      this.pull(txIdHex);
    }
  }

  /**
   * Endorses a transaction: simulates it (see CityChainApp.simulate), signs
   * the transaction id and read-write set hash with this node's key, keeps
   * the private values for its own store and pushes them to the other
   * member nodes. Returns the endorsed transaction, ready to submit.
   */
  async endorse(
    txBytes: Uint8Array,
    transient: ReadonlyArray<readonly [string, Uint8Array]>,
  ): Promise<{
    txIdHex: string;
    rwset: Uint8Array;
    endorsement: Endorsement;
    endorsedTx: Uint8Array;
    returnValue: Uint8Array;
  }> {
    const sim = await this.app.simulate(txBytes, transient);
    const endorsement: Endorsement = {
      alg: this.identity.keyPair.alg,
      cert: this.identity.certDer,
      sig: sign(this.identity.keyPair, endorsementSignBytes(sim.tx.id, sha256(sim.rwsetBytes))),
    };
    if (sim.privateWrites.length > 0) {
      this.pending.set(sim.tx.idHex, sim.privateWrites);
      this.pushTo(sim.tx.idHex, sim.privateWrites);
    }
    const endorsedTx = encodeSignedTx({
      body: sim.tx.bodyBytes,
      sigs: sim.tx.sigs,
      endorsed: { rwset: sim.rwsetBytes, endorsements: [endorsement] },
    });
    return {
      txIdHex: sim.tx.idHex,
      rwset: sim.rwsetBytes,
      endorsement,
      endorsedTx,
      returnValue: sim.rwset.returnValue,
    };
  }
}
