import type { DeviceEntry } from "./device-entry.ts";

/** Each id's device, or null when no such device is registered. */
export type DeviceLookup = Map<string, DeviceEntry | null>;

/**
 * Where the gateway learns devices' keys and status. The chain is the
 * authority (ChainDeviceDirectory); StaticDeviceDirectory holds entries
 * given in code, for a gateway measured without a chain.
 */
export interface DeviceDirectory {
  /** The devices as currently known (cached entries may be as old as the directory allows). */
  lookup(ids: readonly string[]): Promise<DeviceLookup>;
  /** The devices as the authority holds them now, bypassing any cache. */
  refresh(ids: readonly string[]): Promise<DeviceLookup>;
}

/** Devices given in code: register, rotate and revoke change them at once. */
export class StaticDeviceDirectory implements DeviceDirectory {
  private readonly devices = new Map<string, DeviceEntry>();

  /** Adds or replaces a device. */
  set(entry: DeviceEntry): void {
    this.devices.set(entry.id, entry);
  }

  revoke(id: string): void {
    const entry = this.devices.get(id);
    if (entry) this.devices.set(id, { ...entry, status: "revoked" });
  }

  async lookup(ids: readonly string[]): Promise<DeviceLookup> {
    return new Map(ids.map((id) => [id, this.devices.get(id) ?? null]));
  }

  refresh(ids: readonly string[]): Promise<DeviceLookup> {
    return this.lookup(ids);
  }
}
