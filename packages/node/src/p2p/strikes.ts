import { PEER_STRIKE_RECORDS_MAX } from "./limits.ts";

interface StrikeRecord {
  strikes: number;
  bannedUntilMs: number;
}

/** Limits of the strike book. */
export interface StrikeOptions {
  strikesMax: number;
  banMs: number;
}

/**
 * Protocol violations per peer certificate (by fingerprint, so a peer cannot
 * shed its record by reconnecting). At strikesMax strikes the peer is banned
 * for banMs and its record starts over. Bounded: the oldest records are
 * forgotten beyond PEER_STRIKE_RECORDS_MAX.
 */
export class StrikeBook {
  private readonly records = new Map<string, StrikeRecord>();

  constructor(private readonly o: StrikeOptions) {}

  /** Adds a strike; returns the new count and whether the peer is now banned. */
  strike(fingerprintHex: string, nowMs: number): { strikes: number; banned: boolean } {
    const r = this.records.get(fingerprintHex) ?? { strikes: 0, bannedUntilMs: 0 };
    r.strikes++;
    const banned = r.strikes >= this.o.strikesMax;
    if (banned) {
      r.bannedUntilMs = nowMs + this.o.banMs;
      r.strikes = 0;
    }
    // Re-insert so the Map's order is least recently struck first.
    this.records.delete(fingerprintHex);
    this.records.set(fingerprintHex, r);
    if (this.records.size > PEER_STRIKE_RECORDS_MAX) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
    return { strikes: banned ? this.o.strikesMax : r.strikes, banned };
  }

  strikesOf(fingerprintHex: string): number {
    return this.records.get(fingerprintHex)?.strikes ?? 0;
  }

  /** Ms left of a ban (0 if not banned). */
  bannedForMs(fingerprintHex: string, nowMs: number): number {
    const until = this.records.get(fingerprintHex)?.bannedUntilMs ?? 0;
    return Math.max(0, until - nowMs);
  }
}
