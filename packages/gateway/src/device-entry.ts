import { CityChainError, type ErrorCode, hexToBytes, type SignatureAlgorithm } from "@citychain/protocol";
import { DEVICE_KEYS_MAX } from "./limits.ts";

/** One signing key of a device, raw: 32 bytes (Ed25519) or 65 bytes 04||x||y (P-256). */
export interface DeviceKeyInfo {
  alg: SignatureAlgorithm;
  publicKey: Uint8Array;
  publicKeyHex: string;
}

/** What the gateway needs to know of a registered device. */
export interface DeviceEntry {
  id: string;
  /** The organisation that registered it. */
  operator: string;
  status: "active" | "revoked";
  /** Its signing keys in the order of the registration (a reading names one by index). */
  keys: DeviceKeyInfo[];
  /** The transaction that set these keys: Devices:Register, or the latest Devices:RotateKey. */
  keyTxId: string;
}

const ALG_OF_CONTRACT_NAME: Record<string, SignatureAlgorithm> = { Ed25519: "ed25519", "P-256": "p256" };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Reads the device record the Devices contract returns (Get, Register,
 * RotateKey, Revoke: `{id, operator, status, key: {keys: [{alg,
 * publicKeyHex}]}, txId, rotations, revoked}`). The record is input from a
 * node, so its shape is checked; `code` is the error to throw (the caller
 * knows whether a bad record means a broken node or a bad proof).
 */
export function deviceEntryOf(record: unknown, code: ErrorCode): DeviceEntry {
  const bad = (message: string): never => {
    throw new CityChainError({ code }, `device record: ${message}`);
  };
  if (!isObject(record)) bad("not a JSON object");
  const r = record as Record<string, unknown>;
  if (typeof r.id !== "string" || typeof r.operator !== "string" || typeof r.txId !== "string")
    bad("id, operator and txId must be texts");
  if (r.status !== "active" && r.status !== "revoked")
    bad(`status '${String(r.status)}' is neither active nor revoked`);
  const key = r.key;
  if (!isObject(key) || !Array.isArray(key.keys) || key.keys.length === 0 || key.keys.length > DEVICE_KEYS_MAX)
    bad(`key.keys must list 1 to ${DEVICE_KEYS_MAX} keys`);
  const keys = ((key as { keys: unknown[] }).keys ?? []).map((k, i): DeviceKeyInfo => {
    if (!isObject(k) || typeof k.publicKeyHex !== "string" || !/^[0-9a-f]+$/.test(k.publicKeyHex))
      return bad(`key.keys[${i}] needs publicKeyHex`);
    const alg = ALG_OF_CONTRACT_NAME[String(k.alg)];
    if (alg === undefined) return bad(`key.keys[${i}].alg '${String(k.alg)}' is neither Ed25519 nor P-256`);
    return { alg, publicKey: hexToBytes(k.publicKeyHex), publicKeyHex: k.publicKeyHex };
  });
  const rotations = Array.isArray(r.rotations) ? r.rotations : [];
  const last = rotations[rotations.length - 1];
  const keyTxId = isObject(last) && typeof last.txId === "string" ? last.txId : (r.txId as string);
  if (!/^[0-9a-f]{64}$/.test(keyTxId)) bad(`transaction id '${keyTxId}' is not 64 hex digits`);
  return {
    id: r.id as string,
    operator: r.operator as string,
    status: r.status as DeviceEntry["status"],
    keys,
    keyTxId,
  };
}
