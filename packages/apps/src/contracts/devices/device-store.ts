import { ErrorCode } from "@citychain/protocol";
import { ID_CHARS_MAX } from "../limits.ts";
import { textArg } from "../shared/args.ts";
import { appError } from "../shared/errors.ts";
import { checkKeyPart, KeyType } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";
import type { DeviceKeys } from "./device-keys.ts";

/** One IoT device (a sensor, a logger, a gateway) of an operator organisation. */
export interface DeviceRecord {
  id: string;
  /** The organisation that registered it and manages its keys. */
  operator: string;
  status: "active" | "revoked";
  /** The key as given (`given`) and its signing keys in normal form. */
  key: DeviceKeys & { given: string };
  attributes: Record<string, unknown>;
  registeredMs: number;
  txId: string;
  /** Key rotations, newest last (the last DEVICE_ROTATIONS_KEPT). */
  rotations: Array<{ atMs: number; txId: string; previousKeys: string[] }>;
  revoked: { atMs: number; reason: string; byId: string; txId: string } | null;
}

/** A device id argument: 1 to ID_CHARS_MAX characters, no control characters (a URN, a DID, a serial ...). */
export function deviceIdArg(value: string, name = "deviceId"): string {
  return checkKeyPart(textArg(value, name, ID_CHARS_MAX), name);
}

export function loadDevice(state: StateCache, id: string): Promise<DeviceRecord | undefined> {
  return state.get<DeviceRecord>(state.key(KeyType.device, [id]));
}

export function saveDevice(state: StateCache, device: DeviceRecord): void {
  state.put(state.key(KeyType.device, [device.id]), device);
}

/** The device, or DEVICE_UNKNOWN; `what` says where the id came from. */
export async function requireDevice(state: StateCache, id: string, what: string): Promise<DeviceRecord> {
  const device = await loadDevice(state, id);
  if (device === undefined) {
    throw appError(
      ErrorCode.DEVICE_UNKNOWN,
      `${what}: device ${id} is not registered; its operator registers it with Devices:Register`,
    );
  }
  return device;
}

/** The device if registered and not revoked: DEVICE_UNKNOWN or DEVICE_REVOKED otherwise. */
export async function requireActiveDevice(state: StateCache, id: string, what: string): Promise<DeviceRecord> {
  const device = await requireDevice(state, id, what);
  if (device.revoked !== null) {
    throw appError(
      ErrorCode.DEVICE_REVOKED,
      `${what}: device ${id} was revoked by ${device.operator} in transaction ${device.revoked.txId} (${device.revoked.reason}); its data is not accepted`,
    );
  }
  return device;
}
