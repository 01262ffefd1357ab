import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, type KeyPair } from "@citychain/crypto";
import { bytesToHex, type SignatureAlgorithm } from "@citychain/protocol";
import {
  type BatchHasher,
  createBatchHasher,
  createDeviceSigner,
  createSignatureChecker,
  type DeviceEntry,
  type DeviceSigner,
  GatewayStore,
  type LiveBatch,
  ReadingIntake,
  type SignatureChecker,
  type StaticDeviceDirectory,
} from "../src/index.ts";

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A directory entry for a key, as the Devices contract would hold it. */
export function entryOf(id: string, keyPair: KeyPair, status: DeviceEntry["status"] = "active"): DeviceEntry {
  return {
    id,
    operator: "org1",
    status,
    keys: [{ alg: keyPair.alg, publicKey: keyPair.publicKey, publicKeyHex: bytesToHex(keyPair.publicKey) }],
    keyTxId: "ab".repeat(32),
  };
}

/** A device with a fresh key, registered in `directory`. */
export function registeredDevice(
  directory: StaticDeviceDirectory,
  id: string,
  alg: SignatureAlgorithm = "ed25519",
): DeviceSigner {
  const keyPair = generateKeyPair(alg);
  directory.set(entryOf(id, keyPair));
  return createDeviceSigner({ deviceId: id, keyPair });
}

/** Intake over a real store in `dir`, with the sealed batches collected. */
export interface IntakeRig {
  dir: string;
  store: GatewayStore;
  directory: StaticDeviceDirectory;
  checker: SignatureChecker;
  hasher: BatchHasher;
  intake: ReadingIntake;
  sealed: LiveBatch[];
  close(): Promise<void>;
}

export function openIntake(
  dir: string,
  directory: StaticDeviceDirectory,
  opts: { batchReadingsMax?: number; threads?: number; pendingReadingsMax?: number } = {},
): IntakeRig {
  const store = GatewayStore.open(dir);
  const checker = createSignatureChecker(opts.threads ?? 0);
  const hasher = createBatchHasher(opts.threads ?? 0);
  const sealed: LiveBatch[] = [];
  const intake = ReadingIntake.restore({
    store,
    directory,
    checker,
    hasher,
    batchReadingsMax: opts.batchReadingsMax ?? 1000,
    pendingReadingsMax: opts.pendingReadingsMax,
    onSealed: (b) => sealed.push(b),
  });
  return {
    dir,
    store,
    directory,
    checker,
    hasher,
    intake,
    sealed,
    close: async () => {
      await hasher.close();
      await checker.close();
      await store.close();
    },
  };
}
