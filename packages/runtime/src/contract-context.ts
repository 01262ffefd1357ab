import { type Ledger, prefixEnd, STATE_RANGE_LIMIT_MAX } from "@citychain/ledger";
import {
  bytesToUtf8,
  CityChainError,
  type ContractEvent,
  ErrorCode,
  EVENTS_PER_TX_MAX,
  NAME_CHARS_MAX,
} from "@citychain/protocol";
import type { Caller, ContractContext } from "./contracts/contract.ts";
import { Overlay } from "./overlay.ts";
import { contractPrefix, stateKey } from "./state-keys.ts";

export const EVENT_PAYLOAD_BYTES_MAX = 64 * 1024;

/** The context one contract call runs in: its own key space, buffered writes, collected events. */
export class TxContext implements ContractContext {
  constructor(
    readonly contract: string,
    readonly txId: Uint8Array,
    readonly height: number,
    readonly timeMs: number,
    readonly callers: readonly Caller[],
    readonly readOnly: boolean,
    private readonly overlay: Overlay,
    private readonly ledger: Ledger,
    /** Shared by every contract the transaction touches, in emission order. */
    readonly events: ContractEvent[] = [],
  ) {}

  /**
   * A call into another contract inside this transaction: its writes and
   * events go to a child overlay and are kept only if `merge` is called
   * (Fabric's invokeChaincode: a failed callee changes nothing, the caller
   * decides what to do).
   */
  nested(contract: string): { ctx: TxContext; merge(): void } {
    const child = new Overlay((k) => this.overlay.get(k), this.overlay);
    const events: ContractEvent[] = [];
    const ctx = new TxContext(
      contract,
      this.txId,
      this.height,
      this.timeMs,
      this.callers,
      this.readOnly,
      child,
      this.ledger,
      events,
    );
    return {
      ctx,
      merge: () => {
        child.mergeInto(this.overlay);
        this.events.push(...events);
      },
    };
  }

  /** The same transaction seen from another contract's key space (system contracts, cross-contract calls). */
  forContract(contract: string): TxContext {
    return new TxContext(
      contract,
      this.txId,
      this.height,
      this.timeMs,
      this.callers,
      this.readOnly,
      this.overlay,
      this.ledger,
      this.events,
    );
  }

  getState(key: string): Uint8Array | undefined {
    return this.overlay.get(stateKey(this.contract, key));
  }

  /** A full state key (any key space): applying an endorsed read-write set. */
  getRaw(key: Uint8Array): Uint8Array | undefined {
    return this.overlay.get(key);
  }

  putRaw(key: Uint8Array, value: Uint8Array | null): void {
    this.overlay.put(key, value);
  }

  putState(key: string, value: Uint8Array): void {
    this.overlay.put(stateKey(this.contract, key), value);
  }

  deleteState(key: string): void {
    this.overlay.put(stateKey(this.contract, key), null);
  }

  listState(prefix: string, limit: number): { key: string; value: Uint8Array }[] {
    const lo = stateKey(this.contract, prefix);
    return this.rangeOf(lo, prefixEnd(lo), limit);
  }

  /**
   * Keys `startKey <= k < endKey` of this contract (`endKey` "" for no upper
   * bound), in byte order, committed state merged with the uncommitted
   * writes of the blocks and the transaction under this context.
   */
  rangeState(startKey: string, endKey: string, limit: number): { key: string; value: Uint8Array }[] {
    const lo = stateKey(this.contract, startKey);
    const hi = endKey === "" ? prefixEnd(contractPrefix(this.contract)) : stateKey(this.contract, endKey);
    return this.rangeOf(lo, hi, limit);
  }

  private rangeOf(lo: Uint8Array, hi: Uint8Array | undefined, limit: number): { key: string; value: Uint8Array }[] {
    const nsLen = contractPrefix(this.contract).length;
    // Uncommitted writes, outermost (oldest block) first, then the transaction's own.
    const chain: Overlay[] = [];
    for (let o: Overlay | undefined = this.overlay; o; o = o.parent) chain.unshift(o);
    const pending = chain.flatMap((o) => o.writesInRange(lo, hi));
    // Each pending write can hide at most one committed entry: read that many more.
    const fetch = Math.min(limit + pending.length, STATE_RANGE_LIMIT_MAX);
    const merged = new Map<string, Uint8Array | null>();
    for (const { key, value } of this.ledger.getStateRange({ start: lo, ...(hi ? { end: hi } : {}), limit: fetch })) {
      merged.set(Buffer.from(key).toString("latin1"), value);
    }
    for (const w of pending) merged.set(Buffer.from(w.key).toString("latin1"), w.value);
    const out: { key: string; value: Uint8Array }[] = [];
    for (const k of [...merged.keys()].sort()) {
      const v = merged.get(k);
      if (v) out.push({ key: bytesToUtf8(Buffer.from(k, "latin1").subarray(nsLen)), value: v });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The latest `limit` values of a key of this contract, newest first, from committed blocks. */
  history(key: string, limit: number): { height: number; txId: Uint8Array; value: Uint8Array | null }[] {
    return this.ledger.getHistory(stateKey(this.contract, key), { limit, newestFirst: true });
  }

  emit(name: string, payload: Uint8Array): void {
    if (name.length === 0 || name.length > NAME_CHARS_MAX) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_FAILED },
        `event names must be 1 to ${NAME_CHARS_MAX} characters`,
      );
    }
    if (payload.length > EVENT_PAYLOAD_BYTES_MAX) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_FAILED },
        `event payload is ${payload.length} bytes, over the limit of ${EVENT_PAYLOAD_BYTES_MAX}`,
      );
    }
    if (this.events.length >= EVENTS_PER_TX_MAX) {
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_FAILED },
        `a transaction may emit at most ${EVENTS_PER_TX_MAX} events`,
      );
    }
    this.events.push({ contract: this.contract, name, payload });
  }
}
