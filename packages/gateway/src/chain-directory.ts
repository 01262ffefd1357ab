import { bytesToUtf8, CityChainError, ErrorCode } from "@citychain/protocol";
import { type CityChainClient, SUPPLY_CHAIN_CONTRACT } from "@citychain/sdk";
import type { DeviceDirectory, DeviceLookup } from "./device-directory.ts";
import { type DeviceEntry, deviceEntryOf } from "./device-entry.ts";
import { DEVICE_CACHE_ENTRIES_MAX, DEVICE_CACHE_TTL_MS_DEFAULT, DEVICE_FETCHES_IN_FLIGHT_MAX } from "./limits.ts";

export interface ChainDirectoryOptions {
  /** How long a fetched record is used without asking the chain again; default DEVICE_CACHE_TTL_MS_DEFAULT. */
  ttlMs?: number;
  /** Default DEVICE_CACHE_ENTRIES_MAX. */
  entriesMax?: number;
  /** The clock (ms); default Date.now. */
  now?: () => number;
}

interface Slot {
  entry: DeviceEntry | null;
  fetchedMs: number;
}

/** A chain read that failed for a reason other than "no such device". */
export function chainUnavailable(what: string, e: unknown): CityChainError {
  const cause = e instanceof CityChainError ? `${e.code}: ${e.message}` : (e as Error)?.message;
  return new CityChainError(
    { code: ErrorCode.GATEWAY_CHAIN_UNAVAILABLE },
    `${what} failed (${cause}); the gateway cannot verify readings without the chain: check that its node is up, then retry`,
  );
}

/**
 * Device records read from the chain (`Devices:Get` as the gateway's
 * identity), cached. A record is used for at most `ttlMs`; the chain watcher
 * drops a device's record as soon as a block registers, rotates or revokes
 * it, so the TTL only bounds staleness when the stream is down. Unknown ids
 * are cached too, so a flood of made-up ids costs one query each per TTL.
 * Fetches of one id are shared, and at most DEVICE_FETCHES_IN_FLIGHT_MAX run
 * at once.
 */
export class ChainDeviceDirectory implements DeviceDirectory {
  private readonly cache = new Map<string, Slot>();
  private readonly inFlight = new Map<string, Promise<DeviceEntry | null>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly ttlMs: number;
  private readonly entriesMax: number;
  private readonly now: () => number;

  constructor(
    private readonly client: CityChainClient,
    opts: ChainDirectoryOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? DEVICE_CACHE_TTL_MS_DEFAULT;
    this.entriesMax = opts.entriesMax ?? DEVICE_CACHE_ENTRIES_MAX;
    this.now = opts.now ?? Date.now;
  }

  async lookup(ids: readonly string[]): Promise<DeviceLookup> {
    const out: DeviceLookup = new Map();
    const fetches: Promise<void>[] = [];
    const nowMs = this.now();
    for (const id of ids) {
      const slot = this.cache.get(id);
      if (slot && nowMs - slot.fetchedMs < this.ttlMs) out.set(id, slot.entry);
      else fetches.push(this.fetch(id).then((entry) => void out.set(id, entry)));
    }
    await Promise.all(fetches);
    return out;
  }

  async refresh(ids: readonly string[]): Promise<DeviceLookup> {
    for (const id of ids) this.invalidate(id);
    return this.lookup(ids);
  }

  /** Forgets a device's record (it changed on chain); a fetch already running will not be cached. */
  invalidate(id: string): void {
    this.cache.delete(id);
    this.inFlight.delete(id);
  }

  /** Forgets every record (the chain's changes could not be followed). */
  invalidateAll(): void {
    this.cache.clear();
    this.inFlight.clear();
  }

  /** Records cached now. */
  get size(): number {
    return this.cache.size;
  }

  private fetch(id: string): Promise<DeviceEntry | null> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const promise = this.limited(() => this.fetchOne(id)).then((entry) => {
      // Cached only if no change of this device was seen while the query ran.
      if (this.inFlight.get(id) === promise) {
        this.inFlight.delete(id);
        this.cache.delete(id);
        this.cache.set(id, { entry, fetchedMs: this.now() });
        if (this.cache.size > this.entriesMax) this.cache.delete(this.cache.keys().next().value as string);
      }
      return entry;
    });
    promise.catch(() => {
      if (this.inFlight.get(id) === promise) this.inFlight.delete(id);
    });
    this.inFlight.set(id, promise);
    return promise;
  }

  private async fetchOne(id: string): Promise<DeviceEntry | null> {
    let bytes: Uint8Array;
    try {
      bytes = await this.client.evaluateTransaction(SUPPLY_CHAIN_CONTRACT, "Devices:Get", id);
    } catch (e) {
      if (e instanceof CityChainError && e.code === ErrorCode.DEVICE_UNKNOWN) return null;
      throw chainUnavailable(`reading device ${id} from the chain`, e);
    }
    let json: unknown;
    try {
      json = JSON.parse(bytesToUtf8(bytes));
    } catch {
      throw chainUnavailable(`reading device ${id} from the chain`, new Error("the node answered with no JSON"));
    }
    const entry = deviceEntryOf(json, ErrorCode.GATEWAY_CHAIN_UNAVAILABLE);
    if (entry.id !== id) throw chainUnavailable(`reading device ${id}`, new Error(`the node answered for ${entry.id}`));
    return entry;
  }

  private async limited<T>(f: () => Promise<T>): Promise<T> {
    // A finishing fetch hands its slot to the next waiter, so at most the bound run at once.
    if (this.running >= DEVICE_FETCHES_IN_FLIGHT_MAX) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await f();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
