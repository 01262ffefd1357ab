import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type TLSSocket } from "node:tls";
import { parseCertificate } from "@citychain/crypto";
import { CityChainError, ErrorCode, isCityChainError } from "@citychain/protocol";
import type { Logger } from "pino";
import { type ConnectionStats, PeerConnection } from "./connection.ts";
import { Dialer } from "./dialer.ts";
import { keepNewerConnection } from "./duplicate.ts";
import { encodeFrame } from "./frame.ts";
import { checkHello, createHello, HELLO_TYPE } from "./hello.ts";
import { Listeners } from "./listeners.ts";
import { decodeMessage, encodeMessage, P2P_TYPE_PREFIX, type P2PMessage } from "./message.ts";
import { P2P_LIMITS_DEFAULT, type P2PLimits, type P2PNodeOptions, type PeerAddress } from "./options.ts";
import { authenticatePeer } from "./peer-auth.ts";
import type { MessageHandler, PeerConnectedHandler, PeerDisconnectedHandler, PeerInfo } from "./peer-info.ts";
import { StrikeBook } from "./strikes.ts";
import { clientTlsOptions, serverTlsOptions, type TlsCredentials, tlsCredentialsOf } from "./tls-options.ts";

/** Minimum time between two "queue full" warnings for one connection. */
const QUEUE_FULL_LOG_INTERVAL_MS = 10_000;
/** Keepalive message; receivers ignore it (unknown "p2p/" types are ignored), its bytes are the point. */
const PING_TYPE = "p2p/ping";

function describe(e: unknown): { code: string; message: string } {
  if (isCityChainError(e)) return { code: e.code, message: e.message };
  return { code: ErrorCode.INTERNAL, message: e instanceof Error ? e.message : String(e) };
}

function refused(message: string): CityChainError {
  return new CityChainError({ code: ErrorCode.P2P_PEER_REFUSED }, message);
}

/**
 * The peer-to-peer transport of one node: a TLS 1.3 server and a dialler to
 * the configured peers, with both sides authenticated by member node
 * certificates, length-prefixed canonical-CBOR frames, a bounded send queue
 * per peer, reconnect with backoff, and at most one connection per peer.
 *
 * Peers are named by the common name of their node certificate. A peer that
 * breaks the protocol (bad frame, bad message) is disconnected with a logged
 * reason and a strike; at peerStrikesMax strikes it is banned for peerBanMs.
 */
export class P2PNode {
  readonly name: string;
  private readonly limits: P2PLimits;
  private readonly log: Logger;
  private readonly nowMs: () => number;
  private readonly isRevoked: (fingerprintHex: string) => boolean;
  private readonly credentials: TlsCredentials;
  private readonly server: Server;
  private readonly dialer: Dialer;
  private readonly strikes: StrikeBook;
  /** Every live socket, to close them all on stop. */
  private readonly all = new Set<PeerConnection>();
  /** Connections that passed TLS but not yet the hello. */
  private readonly pending = new Set<PeerConnection>();
  /** The one connection per peer that carries messages. */
  private readonly connected = new Map<string, PeerConnection>();
  private readonly handshakeTimers = new Map<PeerConnection, NodeJS.Timeout>();
  private readonly lastQueueFullLogMs = new WeakMap<PeerConnection, number>();
  private readonly messageListeners: Listeners<Parameters<MessageHandler>>;
  private readonly connectedListeners: Listeners<Parameters<PeerConnectedHandler>>;
  private readonly disconnectedListeners: Listeners<Parameters<PeerDisconnectedHandler>>;
  private recheckTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private state: "new" | "running" | "stopped" = "new";
  /** Encoded once: every keepalive sends the same bytes. */
  private readonly pingFrame = encodeFrame(encodeMessage({ type: PING_TYPE }), 64);

  constructor(private readonly o: P2PNodeOptions) {
    this.limits = { ...P2P_LIMITS_DEFAULT, ...(o.limits ?? {}) };
    if (o.identity.cert.role !== "node") {
      throw new CityChainError(
        { code: ErrorCode.CONFIG_INVALID },
        `p2p needs the node's own certificate (role "node"); ${o.identity.dir} holds a "${o.identity.cert.role}" certificate`,
      );
    }
    this.name = o.identity.cert.commonName;
    this.log = o.logger.child({ p2p: this.name });
    this.nowMs = o.nowMs ?? Date.now;
    this.isRevoked = o.isRevoked ?? (() => false);
    this.credentials = tlsCredentialsOf(o.identity);
    const handlerThrew = (what: string) => (e: unknown) =>
      this.log.error({ reason: describe(e).message }, `p2p: ${what} handler threw`);
    this.messageListeners = new Listeners(handlerThrew("message"));
    this.connectedListeners = new Listeners(handlerThrew("peer-connected"));
    this.disconnectedListeners = new Listeners(handlerThrew("peer-disconnected"));
    this.strikes = new StrikeBook({ strikesMax: this.limits.peerStrikesMax, banMs: this.limits.peerBanMs });
    this.server = createServer(serverTlsOptions(this.credentials, this.limits.handshakeTimeoutMs));
    // Bounds sockets in the TLS phase as well as peers.
    this.server.maxConnections = this.limits.peersMax + this.limits.handshakesPendingMax;
    this.server.on("secureConnection", (socket: TLSSocket) => this.adopt(socket, undefined));
    this.server.on("tlsClientError", (e, socket) => {
      this.log.warn(
        { remote: `${socket.remoteAddress}:${socket.remotePort}`, reason: e.message },
        "p2p: TLS handshake with an inbound client failed",
      );
    });
    this.dialer = new Dialer(
      o.peers.filter((p) => p.name !== this.name),
      {
        delayMsMin: this.limits.reconnectDelayMsMin,
        delayMsMax: this.limits.reconnectDelayMsMax,
        jitterRatio: this.limits.reconnectJitterRatio,
        random: o.random ?? Math.random,
      },
      {
        dial: (addr) => this.dial(addr),
        isConnected: (name) => this.connected.has(name),
        onScheduled: (name, delayMs) => this.log.debug({ peer: name, delayMs }, "p2p: dial scheduled"),
      },
    );
  }

  /** Listens and starts dialling the configured peers; resolves once listening. */
  async start(): Promise<void> {
    if (this.state !== "new") throw this.notRunning("start() may be called once");
    this.state = "running";
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.server.on("error", (e) => this.log.error({ reason: e.message }, "p2p: server error"));
    this.dialer.start();
    if (this.limits.peerRecheckIntervalMs > 0) {
      this.recheckTimer = setInterval(() => this.recheckPeers(), this.limits.peerRecheckIntervalMs);
    }
    if (this.limits.keepaliveIntervalMs > 0) {
      this.keepaliveTimer = setInterval(() => this.keepalive(), this.limits.keepaliveIntervalMs);
    }
    this.log.info({ address: this.address() }, "p2p: listening");
  }

  /** Closes the server and every connection and stops every timer. */
  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    const wasRunning = this.state === "running";
    this.state = "stopped";
    this.dialer.stop();
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.recheckTimer = undefined;
    this.keepaliveTimer = undefined;
    const closes = [...this.all].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.isClosed) resolve();
          else c.socket.once("close", () => resolve());
          c.close("node stopping");
        }),
    );
    if (wasRunning) await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(closes);
    for (const t of this.handshakeTimers.values()) clearTimeout(t);
    this.handshakeTimers.clear();
  }

  /** The bound address (port resolved when 0 was asked). */
  address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo | null;
    if (!a) throw this.notRunning("not listening");
    return { host: a.address, port: a.port };
  }

  /**
   * Sends a message to one connected peer. Returns false if the peer is not
   * connected or its send queue is full. Throws P2P_MESSAGE_INVALID for a
   * reserved "p2p/" type and P2P_FRAME_TOO_LARGE for a message over frameBytesMax.
   */
  send(peer: string, msg: P2PMessage): boolean {
    const conn = this.connected.get(peer);
    if (!conn) return false;
    return this.enqueue(conn, this.frameOf(msg));
  }

  /** Sends a message to every connected peer (but `except`); returns how many took it. */
  broadcast(msg: P2PMessage, opts: { except?: string } = {}): number {
    const frame = this.frameOf(msg);
    let n = 0;
    for (const [name, conn] of this.connected) {
      if (name !== opts.except && this.enqueue(conn, frame)) n++;
    }
    return n;
  }

  /** Handler for every application message (types not starting with "p2p/"); returns an unsubscribe function. */
  onMessage(handler: MessageHandler): () => void {
    return this.messageListeners.add(handler);
  }

  onPeerConnected(handler: PeerConnectedHandler): () => void {
    return this.connectedListeners.add(handler);
  }

  onPeerDisconnected(handler: PeerDisconnectedHandler): () => void {
    return this.disconnectedListeners.add(handler);
  }

  /**
   * Adds a peer to keep connected (a validator added by governance, or a
   * port learnt after start); replaces the address of a known name.
   */
  addPeer(addr: PeerAddress): void {
    if (addr.name === this.name) return;
    this.dialer.add(addr);
  }

  /** Stops dialling a peer and disconnects it. */
  removePeer(name: string): void {
    this.dialer.remove(name);
    this.connected.get(name)?.close("peer removed from the configuration");
  }

  /** Connection counts, for metrics. */
  stats(): { peers: number; connections: number; handshakesPending: number } {
    return { peers: this.connected.size, connections: this.all.size, handshakesPending: this.pending.size };
  }

  /** Connected peers. */
  peers(): PeerInfo[] {
    return [...this.connected.values()].map((c) => this.infoOf(c));
  }

  isConnected(peer: string): boolean {
    return this.connected.has(peer);
  }

  /** Counters of the connection to a peer, undefined if not connected. */
  peerStats(peer: string): ConnectionStats | undefined {
    return this.connected.get(peer)?.stats();
  }

  /** Strikes a connected peer's certificate currently has (they reset when it is banned). */
  strikesOf(peer: string): number {
    const fp = this.connected.get(peer)?.identity?.fingerprintHex;
    return fp ? this.strikes.strikesOf(fp) : 0;
  }

  /**
   * A layer above found the peer provably misbehaving (a block with a wrong
   * hash, a vote with a bad signature): strike and disconnect it.
   */
  reportMisbehaviour(peer: string, reason: string): void {
    const conn = this.connected.get(peer);
    if (conn) this.violation(conn, refused(`misbehaviour reported: ${reason}`));
  }

  /** Checks connected peers' certificates again (expiry, revocation, CA removal); returns how many were dropped. */
  recheckPeers(): number {
    let dropped = 0;
    for (const conn of [...this.connected.values()]) {
      const identity = conn.identity;
      if (!identity) continue;
      try {
        this.o.verifier.validate(identity.certDer, this.nowMs(), this.isRevoked);
      } catch (e) {
        const { code, message } = describe(e);
        this.log.warn({ peer: this.peerName(conn), code, reason: message }, "p2p: peer certificate no longer valid");
        conn.close(`${code}: ${message}`);
        dropped++;
      }
    }
    return dropped;
  }

  /** Pings every peer and closes connections silent for longer than idleTimeoutMs. */
  private keepalive(): void {
    const now = this.nowMs();
    for (const conn of [...this.connected.values()]) {
      if (now - conn.lastReceivedMs > this.limits.idleTimeoutMs) {
        this.log.warn(
          { peer: this.peerName(conn), idleMs: now - conn.lastReceivedMs },
          "p2p: peer silent, disconnecting",
        );
        conn.close(
          `nothing received for ${now - conn.lastReceivedMs} ms (idle timeout ${this.limits.idleTimeoutMs} ms)`,
        );
      } else {
        conn.enqueue(this.pingFrame);
      }
    }
  }

  private notRunning(message: string): CityChainError {
    return new CityChainError({ code: ErrorCode.P2P_NOT_RUNNING }, `p2p node ${this.name}: ${message}`);
  }

  private frameOf(msg: P2PMessage): Buffer {
    if (typeof msg.type !== "string" || msg.type.startsWith(P2P_TYPE_PREFIX)) {
      throw new CityChainError(
        { code: ErrorCode.P2P_MESSAGE_INVALID },
        `message type must be a string not starting with "${P2P_TYPE_PREFIX}" (reserved for the transport)`,
      );
    }
    return encodeFrame(encodeMessage(msg), this.limits.frameBytesMax);
  }

  private enqueue(conn: PeerConnection, frame: Buffer): boolean {
    const result = conn.enqueue(frame);
    if (result === "queued") return true;
    if (result === "closed") return false;
    const peer = this.peerName(conn);
    const stats = conn.stats();
    if (this.limits.sendQueueFullPolicy === "disconnect") {
      this.log.warn({ peer, ...stats }, "p2p: send queue full, disconnecting the slow peer");
      conn.close(
        `${ErrorCode.P2P_SEND_QUEUE_FULL}: send queue full (${stats.queuedFrames} frames, ${stats.queuedBytes} bytes)`,
      );
      return false;
    }
    const now = this.nowMs();
    const last = this.lastQueueFullLogMs.get(conn);
    if (last === undefined || now - last >= QUEUE_FULL_LOG_INTERVAL_MS) {
      this.lastQueueFullLogMs.set(conn, now);
      this.log.warn({ peer, code: ErrorCode.P2P_SEND_QUEUE_FULL, ...stats }, "p2p: send queue full, dropping messages");
    }
    return false;
  }

  private dial(addr: PeerAddress): void {
    let socket: TLSSocket;
    try {
      socket = connect(clientTlsOptions(this.credentials, addr.host, addr.port));
    } catch (e) {
      this.log.warn({ peer: addr.name, reason: describe(e).message }, "p2p: cannot dial");
      this.dialer.outboundClosed(addr.name);
      return;
    }
    const conn = this.track(socket, addr.name);
    socket.once("secureConnect", () => this.authenticate(conn));
  }

  /** Inbound connections arrive with TLS done. */
  private adopt(socket: TLSSocket, dialedName: string | undefined): void {
    if (this.state !== "running" || this.pending.size >= this.limits.handshakesPendingMax) {
      this.log.warn({ remote: `${socket.remoteAddress}:${socket.remotePort}` }, "p2p: too many handshakes, refusing");
      socket.destroy();
      return;
    }
    this.authenticate(this.track(socket, dialedName));
  }

  private track(socket: TLSSocket, dialedName: string | undefined): PeerConnection {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    const conn = new PeerConnection(
      socket,
      dialedName !== undefined,
      dialedName,
      this.limits.frameBytesMax,
      { messagesMax: this.limits.sendQueueMessagesMax, bytesMax: this.limits.sendQueueBytesMax },
      {
        onFrame: (c, payload) => this.onFrame(c, payload),
        onStreamError: (c, e) => this.violation(c, e),
        onClose: (c, reason) => this.onClose(c, reason),
      },
    );
    conn.lastReceivedMs = this.nowMs();
    conn.onBytes = () => {
      conn.lastReceivedMs = this.nowMs();
    };
    this.all.add(conn);
    this.pending.add(conn);
    this.handshakeTimers.set(
      conn,
      setTimeout(() => {
        this.log.warn({ remote: conn.remoteAddress, peer: dialedName }, "p2p: handshake timed out");
        conn.close(`${ErrorCode.P2P_HANDSHAKE_FAILED}: no hello within ${this.limits.handshakeTimeoutMs} ms`);
      }, this.limits.handshakeTimeoutMs),
    );
    return conn;
  }

  /** Membership check of the peer's TLS certificate, then our hello. */
  private authenticate(conn: PeerConnection): void {
    if (conn.isClosed || conn.socket.destroyed) return;
    try {
      const identity = authenticatePeer(conn.socket, {
        verifier: this.o.verifier,
        nowMs: this.nowMs(),
        isRevoked: this.isRevoked,
      });
      const name = parseCertificate(identity.certDer).commonName;
      if (identity.fingerprintHex === this.o.identity.cert.fingerprintHex) throw refused("connected to itself");
      if (conn.dialedName !== undefined && conn.dialedName !== name) {
        throw refused(`dialled peer "${conn.dialedName}" but the node there is "${name}"`);
      }
      const pinnedOrg = this.dialer.addressOf(name)?.orgId;
      if (pinnedOrg !== undefined && pinnedOrg !== identity.orgId) {
        throw refused(`peer "${name}" must belong to org "${pinnedOrg}", its certificate is from "${identity.orgId}"`);
      }
      const bannedMs = this.strikes.bannedForMs(identity.fingerprintHex, this.nowMs());
      if (bannedMs > 0) {
        throw new CityChainError(
          { code: ErrorCode.P2P_PEER_BANNED },
          `peer "${name}" is banned for ${bannedMs} ms more`,
        );
      }
      conn.identity = identity;
      conn.name = name;
    } catch (e) {
      const { code, message } = describe(e);
      this.log.warn(
        { remote: conn.remoteAddress, dialed: conn.dialedName, code, reason: message },
        "p2p: peer refused",
      );
      conn.close(`${code}: ${message}`);
      return;
    }
    conn.enqueue(encodeFrame(encodeMessage(createHello(this.o.chainId)), this.limits.frameBytesMax));
  }

  private onFrame(conn: PeerConnection, payload: Buffer): void {
    let msg: P2PMessage;
    try {
      // TLS 1.3 lets a client send before the server has checked its certificate.
      if (!conn.identity) throw refused("message before the certificate was checked");
      msg = decodeMessage(payload, this.limits.frameBytesMax);
      if (!conn.helloReceived) {
        checkHello(msg, this.o.chainId);
        conn.helloReceived = true;
        this.register(conn);
        return;
      }
      if (msg.type === HELLO_TYPE) throw refused("second hello on one connection");
    } catch (e) {
      this.violation(conn, e);
      return;
    }
    if (msg.type.startsWith(P2P_TYPE_PREFIX)) {
      if (msg.type === PING_TYPE) return;
      // A newer peer's transport message: ignored, so versions can add some.
      this.log.debug({ peer: this.peerName(conn), type: msg.type }, "p2p: unknown transport message ignored");
      return;
    }
    this.messageListeners.emit(this.peerName(conn), msg);
  }

  /** Makes the connection the peer's one connection (see keepNewerConnection for duplicates). */
  private register(conn: PeerConnection): void {
    const identity = conn.identity;
    if (!identity) return;
    const name = this.peerName(conn);
    this.clearHandshake(conn);
    const existing = this.connected.get(name);
    if (existing && existing !== conn) {
      const dialer = (c: PeerConnection) =>
        c.outbound ? this.o.identity.cert.fingerprintHex : (c.identity?.fingerprintHex ?? "");
      const keepNew = keepNewerConnection(dialer(existing), dialer(conn));
      const loser = keepNew ? existing : conn;
      this.log.debug({ peer: name, keptOutbound: (keepNew ? conn : existing).outbound }, "p2p: duplicate connection");
      if (!keepNew) {
        conn.close("duplicate connection: keeping the one dialled by the lower certificate fingerprint");
        return;
      }
      conn.connectedSinceMs = existing.connectedSinceMs;
      this.connected.set(name, conn);
      this.dialer.connected(name);
      loser.close("duplicate connection: keeping the one dialled by the lower certificate fingerprint");
      return;
    }
    if (this.connected.size >= this.limits.peersMax) {
      this.log.warn({ peer: name, peersMax: this.limits.peersMax }, "p2p: peer limit reached, refusing");
      conn.close(`${ErrorCode.P2P_PEER_LIMIT_REACHED}: already ${this.connected.size} peers`);
      return;
    }
    conn.connectedSinceMs = this.nowMs();
    this.connected.set(name, conn);
    this.dialer.connected(name);
    const info = this.infoOf(conn);
    this.log.info(
      { peer: name, org: info.orgId, address: info.address, outbound: conn.outbound },
      "p2p: peer connected",
    );
    this.connectedListeners.emit(info);
  }

  private onClose(conn: PeerConnection, reason: string): void {
    this.all.delete(conn);
    this.pending.delete(conn);
    this.clearHandshake(conn);
    const name = conn.name;
    if (name !== undefined && this.connected.get(name) === conn) {
      this.connected.delete(name);
      const info = this.infoOf(conn);
      this.log.info({ peer: name, reason }, "p2p: peer disconnected");
      this.disconnectedListeners.emit(info, reason);
    } else {
      this.log.debug({ remote: conn.remoteAddress, peer: name ?? conn.dialedName, reason }, "p2p: connection closed");
    }
    if (this.state !== "running") return;
    if (conn.dialedName !== undefined) this.dialer.outboundClosed(conn.dialedName);
    else if (name !== undefined) this.dialer.peerLost(name);
  }

  /** Disconnects a peer that broke the protocol, with a logged reason and a strike. */
  private violation(conn: PeerConnection, e: unknown): void {
    const { code, message } = describe(e);
    const fp = conn.identity?.fingerprintHex;
    const peer = conn.identity ? this.peerName(conn) : undefined;
    const record = fp ? this.strikes.strike(fp, this.nowMs()) : undefined;
    this.log.warn(
      { peer, remote: conn.remoteAddress, code, reason: message, strikes: record?.strikes, banned: record?.banned },
      "p2p: protocol violation, disconnecting peer",
    );
    conn.close(`${code}: ${message}`);
  }

  private clearHandshake(conn: PeerConnection): void {
    const t = this.handshakeTimers.get(conn);
    if (t) clearTimeout(t);
    this.handshakeTimers.delete(conn);
    this.pending.delete(conn);
  }

  private peerName(conn: PeerConnection): string {
    return conn.name ?? conn.dialedName ?? conn.remoteAddress;
  }

  private infoOf(conn: PeerConnection): PeerInfo {
    const identity = conn.identity;
    return {
      name: this.peerName(conn),
      orgId: identity?.orgId ?? "",
      address: conn.remoteAddress,
      connectedSinceMs: conn.connectedSinceMs,
      outbound: conn.outbound,
      fingerprintHex: identity?.fingerprintHex ?? "",
    };
  }
}
