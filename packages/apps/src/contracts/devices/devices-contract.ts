import { ErrorCode } from "@citychain/protocol";
import { ATTRIBUTES_BYTES_MAX, DEVICE_ROTATIONS_KEPT, NOTE_CHARS_MAX } from "../limits.ts";
import { type AppContext, AppContract } from "../shared/app-contract.ts";
import { attributesArg, readArgs, textArg } from "../shared/args.ts";
import { blockTimeMs } from "../shared/block-time.ts";
import { type Caller, callerOf, requireOrg, requireRole } from "../shared/caller.ts";
import { appError } from "../shared/errors.ts";
import { emitEvent } from "../shared/events.ts";
import { parseDeviceKey } from "./device-keys.ts";
import {
  type DeviceRecord,
  deviceIdArg,
  loadDevice,
  requireActiveDevice,
  requireDevice,
  saveDevice,
} from "./device-store.ts";

/**
 * IoT device identities (`Devices:*`). An operator organisation's admin
 * registers a device with its public key (PEM, JWK, multibase, did:key or
 * a DID document), rotates it and revokes it; gateways and the cold-chain
 * contract accept data from registered, non-revoked devices only. Device
 * ids are unique across the chain.
 */
export class Devices extends AppContract {
  constructor() {
    super("Devices");
  }

  /** `Register(deviceId, publicKeyPemOrDidDocJson, attributesJson?)`: by an admin; the signer's organisation operates the device. */
  async Register(ctx: AppContext, ...args: string[]): Promise<DeviceRecord> {
    const [idArg, keyArg, attributes] = readArgs(
      args,
      "Devices:Register",
      ["deviceId", "publicKeyPemOrDidDocJson"],
      ["attributesJson"],
    );
    const caller = this.#admin(ctx, "registering devices");
    const id = deviceIdArg(idArg);
    const existing = await loadDevice(ctx.state, id);
    if (existing !== undefined) {
      throw appError(
        ErrorCode.APP_ALREADY_EXISTS,
        `device ${id} is already registered by ${existing.operator} (transaction ${existing.txId}); device ids are unique`,
      );
    }
    const device: DeviceRecord = {
      id,
      operator: caller.org,
      status: "active",
      key: { ...parseDeviceKey(keyArg), given: keyArg },
      attributes: attributesArg(attributes, "attributesJson", ATTRIBUTES_BYTES_MAX),
      registeredMs: blockTimeMs(ctx),
      txId: ctx.stub.getTxID(),
      rotations: [],
      revoked: null,
    };
    saveDevice(ctx.state, device);
    return device;
  }

  /** `RotateKey(deviceId, newKey)`: the operator's admin replaces the key (same forms as Register). */
  async RotateKey(ctx: AppContext, deviceId: string, newKey: string): Promise<DeviceRecord> {
    const caller = this.#admin(ctx, "rotating device keys");
    const device = await requireActiveDevice(ctx.state, deviceIdArg(deviceId), "RotateKey");
    requireOrg(caller, device.operator, `rotating the key of device ${device.id}`);
    const previousKeys = device.key.keys.map((key) => key.publicKeyHex);
    device.key = { ...parseDeviceKey(newKey), given: newKey };
    device.rotations.push({ atMs: blockTimeMs(ctx), txId: ctx.stub.getTxID(), previousKeys });
    if (device.rotations.length > DEVICE_ROTATIONS_KEPT) device.rotations.shift();
    saveDevice(ctx.state, device);
    return device;
  }

  /** `Revoke(deviceId, reason)`: the operator's admin revokes a (lost, compromised, retired) device for good. */
  async Revoke(ctx: AppContext, deviceId: string, reason: string): Promise<DeviceRecord> {
    const caller = this.#admin(ctx, "revoking devices");
    const device = await requireDevice(ctx.state, deviceIdArg(deviceId), "Revoke");
    requireOrg(caller, device.operator, `revoking device ${device.id}`);
    if (device.revoked !== null)
      throw appError(
        ErrorCode.APP_STATE_CONFLICT,
        `device ${device.id} is already revoked (transaction ${device.revoked.txId})`,
      );
    device.status = "revoked";
    device.revoked = {
      atMs: blockTimeMs(ctx),
      reason: textArg(reason, "reason", NOTE_CHARS_MAX),
      byId: caller.id,
      txId: ctx.stub.getTxID(),
    };
    saveDevice(ctx.state, device);
    emitEvent(ctx, "DeviceRevoked", {
      deviceId: device.id,
      operator: device.operator,
      reason: device.revoked.reason,
      txId: device.revoked.txId,
    });
    return device;
  }

  /** `Get(deviceId)`: the device record (keys, status, rotations). */
  async Get(ctx: AppContext, deviceId: string): Promise<DeviceRecord> {
    return requireDevice(ctx.state, deviceIdArg(deviceId), "Get");
  }

  #admin(ctx: AppContext, action: string): Caller {
    const caller = callerOf(ctx);
    requireRole(caller, ["admin"], action);
    return caller;
  }
}
