import type { StateWrite } from "@citychain/ledger";
import { CityChainError, ErrorCode } from "@citychain/protocol";

/** Bounds on what one transaction may write. */
export const WRITE_SET_KEYS_MAX = 10_000;
export const WRITE_SET_BYTES_MAX = 8 * 1024 * 1024;

export type StateReader = (key: Uint8Array) => Uint8Array | undefined;

/**
 * Buffered writes over a base reader. A transaction writes into its own
 * overlay; only if it succeeds are its writes merged into the block's.
 */
export class Overlay {
  private readonly writes = new Map<string, StateWrite>();
  private bytes = 0;

  constructor(
    private base: StateReader,
    /** The overlay under this one, if any (a transaction's block; a block's uncommitted predecessor). */
    public parent?: Overlay,
  ) {}

  /**
   * Reads from another base from now on. Used when the block under this one
   * has become durable: its writes are in the ledger, so the chain of
   * overlays can be cut and the old one freed.
   */
  rebase(base: StateReader, parent?: Overlay): void {
    this.base = base;
    this.parent = parent;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const w = this.writes.get(Buffer.from(key).toString("latin1"));
    if (w) return w.value ?? undefined;
    return this.base(key);
  }

  put(key: Uint8Array, value: Uint8Array | null): void {
    const k = Buffer.from(key).toString("latin1");
    if (!this.writes.has(k) && this.writes.size >= WRITE_SET_KEYS_MAX) {
      throw new CityChainError(
        { code: ErrorCode.WRITE_SET_TOO_LARGE },
        `a transaction may write at most ${WRITE_SET_KEYS_MAX} keys; split the work over several transactions`,
      );
    }
    this.bytes += key.length + (value?.length ?? 0);
    if (this.bytes > WRITE_SET_BYTES_MAX) {
      throw new CityChainError(
        { code: ErrorCode.WRITE_SET_TOO_LARGE },
        `a transaction may write at most ${WRITE_SET_BYTES_MAX} bytes; split the work over several transactions`,
      );
    }
    this.writes.set(k, { key, value });
  }

  /** Writes in insertion order (what history records). */
  list(): StateWrite[] {
    return [...this.writes.values()];
  }

  /** Own writes (not the parent's) whose key starts with prefix. */
  writesWithPrefix(prefix: Uint8Array): StateWrite[] {
    const out: StateWrite[] = [];
    for (const w of this.writes.values()) {
      if (w.key.length >= prefix.length && Buffer.compare(w.key.subarray(0, prefix.length), prefix) === 0) out.push(w);
    }
    return out;
  }

  /** Own writes (not the parent's) with lo <= key < hi (hi undefined: no upper bound). */
  writesInRange(lo: Uint8Array, hi: Uint8Array | undefined): StateWrite[] {
    const out: StateWrite[] = [];
    for (const w of this.writes.values()) {
      if (Buffer.compare(w.key, lo) >= 0 && (hi === undefined || Buffer.compare(w.key, hi) < 0)) out.push(w);
    }
    return out;
  }

  mergeInto(parent: Overlay): void {
    for (const w of this.writes.values()) parent.writes.set(Buffer.from(w.key).toString("latin1"), w);
  }

  /** Canonical order: by key bytes. */
  sorted(): StateWrite[] {
    return this.list().sort((a, b) => Buffer.compare(a.key, b.key));
  }
}
