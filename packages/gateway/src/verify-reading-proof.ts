import { verifySignature } from "@citychain/crypto";
import {
  base64ToBytes,
  bytesEqual,
  bytesToHex,
  bytesToUtf8,
  CityChainError,
  ErrorCode,
  type Genesis,
  hexToBytes,
  sha256,
  type Tx,
  type TxProof,
  verifyMerkleProof,
} from "@citychain/protocol";
import { decodeTxProof, SUPPLY_CHAIN_CONTRACT, type TrustAnchor, trustAnchorOf, verifyTxProof } from "@citychain/sdk";
import { ANCHOR_FN } from "./anchor-batch.ts";
import { readingBatchSignBytes } from "./device-batch.ts";
import { type DeviceKeyInfo, deviceEntryOf } from "./device-entry.ts";
import { readingSignBytes } from "./device-signer.ts";
import { DEVICE_BATCH_READINGS_MAX } from "./limits.ts";
import { decodeReading, type Reading, readingIdOf } from "./reading.ts";
import { BATCH_READING_PROOF_VERSION, READING_PROOF_VERSION, type ReadingProof } from "./reading-proof.ts";

/** What a reading proof establishes. */
export interface VerifiedReading {
  reading: Reading;
  /** The reading's id (its leaf hash, hex). */
  id: string;
  gatewayId: string;
  /** The anchoring transaction, its block height and the block's time. */
  anchorTxId: string;
  anchorHeight: number;
  anchoredMs: number;
  /** The transaction that registered the device key that signed. */
  keyTxId: string;
  /** For a reading signed in a device batch: the batch's root (hex) and size. */
  deviceBatch?: { root: string; size: number };
}

/** The functions that set a device's key; their return value is the device record. */
const KEY_FNS = new Set(["Devices:Register", "Devices:RotateKey"]);

function fail(check: string, message: string): never {
  throw new CityChainError({ code: ErrorCode.PROOF_INVALID }, `reading proof check '${check}' failed: ${message}`);
}

function bytesOf(b64: unknown, field: string): Uint8Array {
  if (typeof b64 !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) fail("format", `${field} must be base64`);
  return base64ToBytes(b64);
}

function pathOf(path: unknown, field: string): Uint8Array[] {
  if (!Array.isArray(path) || path.length > 64) fail("format", `${field} must be a list of hashes`);
  return path.map((p, i) => hexOf(p, `${field}[${i}]`, 32));
}

/**
 * Checks the device's signature over the reading: its own (version 1), or
 * its batch's over the batch root, with the reading's path to that root
 * (version 2). Returns the device batch proven, if any.
 */
function checkDeviceSignature(
  proof: ReadingProof,
  bytes: Uint8Array,
  key: DeviceKeyInfo,
  deviceId: string,
): VerifiedReading["deviceBatch"] {
  if (proof.version === READING_PROOF_VERSION) {
    const signature = bytesOf(proof.signature, "signature");
    if (!verifySignature(key.alg, key.publicKey, readingSignBytes(bytes), signature))
      fail("signature", `the signature does not verify with the registered key of ${deviceId}`);
    return undefined;
  }
  if (proof.version !== BATCH_READING_PROOF_VERSION)
    fail("format", `version ${String((proof as { version: unknown }).version)} is not 1 (single) or 2 (device batch)`);
  const b = proof.deviceBatch;
  if (typeof b !== "object" || b === null) fail("format", "deviceBatch must be {root, index, size, path, signature}");
  if (!Number.isInteger(b.size) || b.size < 1 || b.size > DEVICE_BATCH_READINGS_MAX)
    fail("deviceBatch", `a device batch holds 1 to ${DEVICE_BATCH_READINGS_MAX} readings, not ${String(b.size)}`);
  const root = hexOf(b.root, "deviceBatch.root", 32);
  const path = pathOf(b.path, "deviceBatch.path");
  if (!verifyMerkleProof(bytes, { index: b.index, size: b.size, path }, root))
    fail("deviceBatch", `the reading is not leaf ${b.index} of ${b.size} under the device batch root ${b.root}`);
  const signature = bytesOf(b.signature, "deviceBatch.signature");
  if (!verifySignature(key.alg, key.publicKey, readingBatchSignBytes(root), signature))
    fail("signature", `the batch signature over root ${b.root} does not verify with the registered key of ${deviceId}`);
  return { root: b.root, size: b.size };
}

function hexOf(hex: unknown, field: string, bytes: number): Uint8Array {
  if (typeof hex !== "string" || hex.length !== bytes * 2 || !/^[0-9a-f]*$/.test(hex))
    fail("format", `${field} must be ${bytes * 2} lower-case hex digits`);
  return hexToBytes(hex);
}

/** A supplychain transaction proven against the anchor, that succeeded. */
function provenCall(
  b64: unknown,
  anchor: TrustAnchor,
  check: string,
): { tx: Tx; proof: TxProof; returnHash: Uint8Array } {
  let proof: TxProof;
  try {
    proof = decodeTxProof(bytesOf(b64, `${check} proof`));
  } catch (e) {
    fail(check, (e as Error).message);
  }
  const { tx, result } = verifyTxProof(proof, anchor);
  if (result.code !== "OK") fail(check, `transaction ${bytesToHex(tx.id)} ended with ${result.code}`);
  if (tx.body.contract !== SUPPLY_CHAIN_CONTRACT)
    fail(check, `transaction ${bytesToHex(tx.id)} calls ${tx.body.contract}, not ${SUPPLY_CHAIN_CONTRACT}`);
  return { tx, proof, returnHash: result.returnHash };
}

/**
 * Checks a reading proof without trusting whoever served it. Against the
 * genesis (or a trust anchor that followed validator-set changes):
 * 1. the reading bytes are a canonical reading;
 * 2. the transaction that registered (or rotated to) the device key is in a
 *    block signed by the validators, succeeded, names this device, and the
 *    device record it returned (hash in the proven result) lists this key at
 *    `keyIndex`;
 * 3. the device's signature verifies with that key: over the reading
 *    (version 1), or over the root of its device batch (version 2), the
 *    reading's path in the device batch leading to that root;
 * 4. the Merkle path leads from the reading to the root;
 * 5. the Telemetry:Anchor transaction is in a block signed by the
 *    validators, succeeded (so the contract found the gateway and every
 *    device in the batch registered and not revoked at that block), and its
 *    batch argument carries this root, this tree size and this device;
 * 6. the key was registered before the anchor.
 * The SDK's `verifyTxProof` checks both transaction proofs (header, commit
 * signatures, Merkle paths). Returns what was proven; throws PROOF_INVALID
 * naming the failed check.
 */
export function verifyReadingProof(proof: ReadingProof, trust: Genesis | TrustAnchor): VerifiedReading {
  const anchor = "orgs" in trust ? trustAnchorOf(trust) : trust;
  if (typeof proof !== "object" || proof === null) fail("format", "a reading proof is a JSON object");
  const bytes = bytesOf(proof.reading, "reading");
  let reading: Reading;
  try {
    reading = decodeReading(bytes);
  } catch (e) {
    fail("reading", (e as Error).message);
  }

  const keyCall = provenCall(proof.deviceKey?.tx?.proof, anchor, "deviceKey");
  const keyTxId = bytesToHex(keyCall.tx.id);
  if (!KEY_FNS.has(keyCall.tx.body.fn))
    fail("deviceKey", `transaction ${keyTxId} is ${keyCall.tx.body.fn}, not Devices:Register or Devices:RotateKey`);
  if (keyCall.tx.body.args[0] !== reading.deviceId)
    fail("deviceKey", `transaction ${keyTxId} sets the key of ${keyCall.tx.body.args[0]}, not of ${reading.deviceId}`);
  const returnValue = bytesOf(proof.deviceKey.tx.returnValue, "deviceKey.tx.returnValue");
  if (!bytesEqual(sha256(returnValue), keyCall.returnHash))
    fail("deviceKey", "the device record given is not what the transaction returned");
  let record: unknown;
  try {
    record = JSON.parse(bytesToUtf8(returnValue));
  } catch {
    fail("deviceKey", "the device record is not JSON");
  }
  const entry = deviceEntryOf(record, ErrorCode.PROOF_INVALID);
  const key = entry.keys[proof.keyIndex];
  const publicKey = hexOf(proof.deviceKey.publicKey, "deviceKey.publicKey", proof.deviceKey.alg === "p256" ? 65 : 32);
  if (key === undefined || key.alg !== proof.deviceKey.alg || !bytesEqual(key.publicKey, publicKey))
    fail("deviceKey", `the key given is not key ${proof.keyIndex} of ${reading.deviceId} in the proven record`);

  const deviceBatch = checkDeviceSignature(proof, bytes, key, reading.deviceId);

  const root = hexOf(proof.root, "root", 32);
  const m = proof.merkle;
  if (!m || !Array.isArray(m.path)) fail("format", "merkle must be {index, size, path}");
  const path = pathOf(m.path, "merkle.path");
  if (!verifyMerkleProof(bytes, { index: m.index, size: m.size, path }, root))
    fail("merkle", `the reading is not leaf ${m.index} of ${m.size} under root ${proof.root}`);

  const anchorCall = provenCall(proof.anchor?.proof, anchor, "anchor");
  const anchorTxId = bytesToHex(anchorCall.tx.id);
  const [gatewayId, batchJson] = anchorCall.tx.body.args;
  if (anchorCall.tx.body.fn !== ANCHOR_FN) fail("anchor", `transaction ${anchorTxId} is ${anchorCall.tx.body.fn}`);
  if (gatewayId !== proof.gatewayId) fail("anchor", `the anchor is by gateway ${gatewayId}, not ${proof.gatewayId}`);
  let batch: { root?: unknown; count?: unknown; devices?: unknown };
  try {
    batch = JSON.parse(batchJson) as typeof batch;
  } catch {
    fail("anchor", "the anchored batch is not JSON");
  }
  if (batch.root !== proof.root) fail("anchor", `the anchor carries root ${String(batch.root)}, not ${proof.root}`);
  if (batch.count !== m.size) fail("anchor", `the anchor counts ${String(batch.count)} readings, the path ${m.size}`);
  if (!Array.isArray(batch.devices) || !batch.devices.includes(reading.deviceId))
    fail("anchor", `the anchored batch does not list device ${reading.deviceId}`);

  const keyFirst =
    keyCall.proof.height < anchorCall.proof.height ||
    (keyCall.proof.height === anchorCall.proof.height && keyCall.proof.index < anchorCall.proof.index);
  if (!keyFirst) fail("deviceKey", `the key was registered (height ${keyCall.proof.height}) after the anchor`);

  return {
    reading,
    id: readingIdOf(bytes),
    gatewayId,
    anchorTxId,
    anchorHeight: anchorCall.proof.height,
    anchoredMs: anchorCall.proof.header.timeMs,
    keyTxId,
    ...(deviceBatch ? { deviceBatch } : {}),
  };
}
