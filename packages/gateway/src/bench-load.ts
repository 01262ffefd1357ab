// Pre-signed load for bench-gateway.ts (not exported by the package): devices, their readings signed one by
// one or in device batches, grouped into requests per lane (each lane carries its own devices, so a device's
// readings arrive in seq order), as in-process requests and as JSON bodies.
import { generateKeyPair } from "@citychain/crypto";
import { bytesToHex, type SignatureAlgorithm } from "@citychain/protocol";
import { StaticDeviceDirectory } from "./device-directory.ts";
import { createDeviceSigner, type DeviceSigner } from "./device-signer.ts";
import type { IntakeRequest } from "./intake.ts";
import { signedReadingBatchToJson, signedReadingToJson } from "./wire.ts";

/** How a load is signed: each reading alone, or in device batches of `batchSize`. */
export interface LoadShape {
  alg: SignatureAlgorithm;
  /** 1: single signed readings; more: signed device batches of this many readings. */
  batchSize: number;
  readings: number;
  /** Readings per request (a multiple of batchSize). */
  readingsPerRequest: number;
  lanes: number;
}

export interface Load {
  shape: LoadShape;
  devices: DeviceSigner[];
  /** Per lane, its requests in order. */
  requests: IntakeRequest[][];
  /** The same requests as JSON bodies of POST /v1/readings. */
  bodies: string[][];
}

export function devicesOf(count: number, alg: SignatureAlgorithm, prefix: string): DeviceSigner[] {
  return Array.from({ length: count }, (_, i) =>
    createDeviceSigner({ deviceId: `${prefix}-${i}`, keyPair: generateKeyPair(alg) }),
  );
}

export function directoryOf(devices: readonly DeviceSigner[]): StaticDeviceDirectory {
  const directory = new StaticDeviceDirectory();
  for (const d of devices) {
    const k = d.keyPair;
    directory.set({
      id: d.deviceId,
      operator: "bench",
      status: "active",
      keys: [{ alg: k.alg, publicKey: k.publicKey, publicKeyHex: bytesToHex(k.publicKey) }],
      keyTxId: "00".repeat(32),
    });
  }
  return directory;
}

/**
 * Signs `shape.readings` readings of `devices` (values like a meter's), round
 * by round: each device signs one reading (or one batch) per round; device i
 * belongs to lane i mod lanes.
 */
export function signLoad(shape: LoadShape, devices: DeviceSigner[]): Load {
  const perLane: IntakeRequest["batches"][] = Array.from({ length: shape.lanes }, () => []);
  const singles: IntakeRequest["readings"][] = Array.from({ length: shape.lanes }, () => []);
  let signed = 0;
  for (let round = 0; signed < shape.readings; round++) {
    for (const [i, d] of devices.entries()) {
      if (signed >= shape.readings) break;
      const lane = i % shape.lanes;
      const n = Math.min(shape.batchSize, shape.readings - signed);
      const values = Array.from({ length: n }, (_, k) => ({ kwh: (round * n + k) / 10, v: 230 }));
      if (shape.batchSize === 1) (singles[lane] as unknown[]).push(d.sign(values[0]));
      else (perLane[lane] as unknown[]).push(d.signBatch(values));
      signed += n;
    }
  }
  const requests: IntakeRequest[][] = [];
  const bodies: string[][] = [];
  for (let lane = 0; lane < shape.lanes; lane++) {
    const lr: IntakeRequest[] = [];
    const lb: string[] = [];
    if (shape.batchSize === 1) {
      const all = singles[lane] ?? [];
      for (let i = 0; i < all.length; i += shape.readingsPerRequest) {
        const readings = all.slice(i, i + shape.readingsPerRequest);
        lr.push({ readings });
        lb.push(JSON.stringify({ readings: readings.map((r) => ("problem" in r ? r : signedReadingToJson(r))) }));
      }
    } else {
      const all = perLane[lane] ?? [];
      const perRequest = Math.max(1, Math.floor(shape.readingsPerRequest / shape.batchSize));
      for (let i = 0; i < all.length; i += perRequest) {
        const batches = all.slice(i, i + perRequest);
        lr.push({ batches });
        lb.push(JSON.stringify({ batches: batches.map((b) => ("problem" in b ? b : signedReadingBatchToJson(b))) }));
      }
    }
    requests.push(lr);
    bodies.push(lb);
  }
  return { shape, devices, requests, bodies };
}

/** Devices for a shape: enough that each signs a few readings or batches, at most 1,000 (an anchor's bound). */
export function devicesFor(shape: LoadShape, prefix: string): DeviceSigner[] {
  const unitsPerDevice = shape.batchSize === 1 ? 40 : 2;
  const count = Math.min(1_000, Math.max(shape.lanes, Math.ceil(shape.readings / shape.batchSize / unitsPerDevice)));
  return devicesOf(count, shape.alg, prefix);
}
