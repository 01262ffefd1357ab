import { type BackoffOptions, backoffDelayMs } from "./backoff.ts";
import type { PeerAddress } from "./options.ts";

interface DialState {
  addr: PeerAddress;
  /** Failed attempts since the last successful connection: the backoff exponent. */
  attempt: number;
  timer: NodeJS.Timeout | undefined;
  /** An outbound connection exists (connecting, handshaking or connected). */
  inFlight: boolean;
}

/** What the dialer asks of its owner. */
export interface DialerHooks {
  /** Opens an outbound connection; the owner calls outboundClosed(name) when it ends. */
  dial(addr: PeerAddress): void;
  /** True if a connection to this peer (either direction) carries messages. */
  isConnected(name: string): boolean;
  onScheduled?(name: string, delayMs: number): void;
}

/**
 * Keeps the configured peers connected: one outbound attempt at a time per
 * peer, retried after an exponential, jittered delay capped at delayMsMax,
 * and no dial at all while the peer is connected (whichever side dialled).
 */
export class Dialer {
  private readonly states = new Map<string, DialState>();
  private started = false;
  private stopped = false;

  constructor(
    peers: readonly PeerAddress[],
    private readonly backoff: BackoffOptions,
    private readonly hooks: DialerHooks,
  ) {
    for (const addr of peers) this.states.set(addr.name, { addr, attempt: 0, timer: undefined, inFlight: false });
  }

  /** The configured address of a peer, if it is one of ours. */
  addressOf(name: string): PeerAddress | undefined {
    return this.states.get(name)?.addr;
  }

  /** Dials every configured peer now. */
  start(): void {
    this.started = true;
    for (const s of this.states.values()) this.schedule(s, 0);
  }

  /** Adds (or readdresses) a peer; dialled at once if the dialer runs. */
  add(addr: PeerAddress): void {
    const old = this.states.get(addr.name);
    if (old?.timer) clearTimeout(old.timer);
    const s: DialState = { addr, attempt: 0, timer: undefined, inFlight: old?.inFlight ?? false };
    this.states.set(addr.name, s);
    if (this.started) this.schedule(s, 0);
  }

  /** Stops dialling a peer. */
  remove(name: string): void {
    const s = this.states.get(name);
    if (s?.timer) clearTimeout(s.timer);
    this.states.delete(name);
  }

  /** A connection to the peer was accepted: the next loss retries from the shortest delay. */
  connected(name: string): void {
    const s = this.states.get(name);
    if (s) s.attempt = 0;
  }

  /** Our outbound connection to the peer ended (failed, refused, lost or deduplicated away). */
  outboundClosed(name: string): void {
    const s = this.states.get(name);
    if (!s) return;
    s.inFlight = false;
    this.retry(s);
  }

  /** A connection the peer dialled ended: dial it ourselves unless something is already under way. */
  peerLost(name: string): void {
    const s = this.states.get(name);
    if (s) this.retry(s);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.states.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = undefined;
    }
  }

  private retry(s: DialState): void {
    if (this.stopped || s.timer || s.inFlight || this.hooks.isConnected(s.addr.name)) return;
    const delayMs = backoffDelayMs(s.attempt, this.backoff);
    s.attempt++;
    this.schedule(s, delayMs);
  }

  private schedule(s: DialState, delayMs: number): void {
    if (this.stopped || s.timer) return;
    this.hooks.onScheduled?.(s.addr.name, delayMs);
    s.timer = setTimeout(() => {
      s.timer = undefined;
      if (this.stopped || s.inFlight || this.hooks.isConnected(s.addr.name)) return;
      s.inFlight = true;
      this.hooks.dial(s.addr);
    }, delayMs);
  }
}
