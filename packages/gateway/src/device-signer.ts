import { createPublicKey } from "node:crypto";
import { type KeyPair, sign } from "@citychain/crypto";
import { concatBytes, utf8ToBytes } from "@citychain/protocol";
import { type SignedReadingBatch, signReadingBatch } from "./device-batch.ts";
import { encodeReading, type Reading, type ReadingValue } from "./reading.ts";

/**
 * Domain tag of device signatures: a device key signs
 * `"citychain/reading/v1\n" || readingBytes`, so a reading signature can
 * never be taken for a signature over anything else (a transaction id, an
 * API request).
 */
export const READING_SIGN_DOMAIN = "citychain/reading/v1\n";
const DOMAIN_BYTES = utf8ToBytes(READING_SIGN_DOMAIN);

/** The bytes a device signs for a reading. */
export function readingSignBytes(readingBytes: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN_BYTES, readingBytes);
}

/** A reading as a device sends it: its canonical bytes, the signature, and which of its keys signed. */
export interface SignedReading {
  reading: Uint8Array;
  /** Ed25519, or ECDSA P-256 over SHA-256 in 64-byte r || s form. */
  signature: Uint8Array;
  /** Index of the signing key among the device's registered keys (a DID document may list several); 0 by default. */
  keyIndex: number;
}

/** Encodes and signs a reading with a device key (Ed25519 or P-256). */
export function signReading(reading: Reading, keyPair: KeyPair, keyIndex = 0): SignedReading {
  const bytes = encodeReading(reading);
  return { reading: bytes, signature: sign(keyPair, readingSignBytes(bytes)), keyIndex };
}

/** The PEM SubjectPublicKeyInfo of a device key: what its operator passes to Devices:Register. */
export function publicKeyPemOf(keyPair: KeyPair): string {
  return createPublicKey(keyPair.privateKey).export({ type: "spki", format: "pem" }).toString();
}

/** The device side: numbers and signs readings with one key. */
export interface DeviceSigner {
  readonly deviceId: string;
  readonly keyPair: KeyPair;
  /** The seq the next reading gets. */
  readonly nextSeq: number;
  /** Signs the next reading (seq assigned here; time now unless given). */
  sign(values: Record<string, ReadingValue>, timeMs?: number): SignedReading;
  /**
   * Signs several readings at once (seqs assigned in order, all at time
   * `timeMs`, now unless given) with one signature over their Merkle root.
   */
  signBatch(values: readonly Record<string, ReadingValue>[], timeMs?: number): SignedReadingBatch;
}

/**
 * A device's signer, for firmware-like code, tests, benchmarks and demos.
 * `firstSeq` continues a device's counter (a real device keeps it in
 * non-volatile memory: the gateway refuses any seq it has already seen).
 */
export function createDeviceSigner(opts: {
  deviceId: string;
  keyPair: KeyPair;
  keyIndex?: number;
  firstSeq?: number;
}): DeviceSigner {
  let seq = opts.firstSeq ?? 1;
  const keyIndex = opts.keyIndex ?? 0;
  return {
    deviceId: opts.deviceId,
    keyPair: opts.keyPair,
    get nextSeq() {
      return seq;
    },
    sign(values, timeMs = Date.now()) {
      const signed = signReading({ deviceId: opts.deviceId, seq, timeMs, values }, opts.keyPair, keyIndex);
      seq++;
      return signed;
    },
    signBatch(values, timeMs = Date.now()) {
      const readings = values.map((v, i) => ({ deviceId: opts.deviceId, seq: seq + i, timeMs, values: v }));
      const signed = signReadingBatch(opts.deviceId, readings, opts.keyPair, keyIndex);
      seq += values.length;
      return signed;
    },
  };
}
