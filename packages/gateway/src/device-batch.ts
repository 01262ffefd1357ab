import { type KeyPair, sign } from "@citychain/crypto";
import { concatBytes, utf8ToBytes } from "@citychain/protocol";
import { leafHashesOf, rootOfPacked } from "./hashes.ts";
import { encodeReading, type Reading } from "./reading.ts";

/**
 * Domain tag of a device's batch signature: the device signs
 * `"citychain/reading-batch/v1\n" || root`, where root is the RFC 6962
 * Merkle root of the batch's readings (leaf i = SHA-256(0x00 || reading i),
 * the reading's id). The tag keeps a batch signature from being taken for a
 * single reading's signature (`"citychain/reading/v1\n" || bytes`) or for
 * anything else the key signs.
 */
export const READING_BATCH_SIGN_DOMAIN = "citychain/reading-batch/v1\n";
const DOMAIN_BYTES = utf8ToBytes(READING_BATCH_SIGN_DOMAIN);

/** The bytes a device signs for a batch: the domain tag, then the 32-byte Merkle root. */
export function readingBatchSignBytes(root: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN_BYTES, root);
}

/** The RFC 6962 root of a batch of reading bytes, in order (the protocol's `merkleRoot`). */
export function readingBatchRoot(readings: readonly Uint8Array[]): Uint8Array {
  return rootOfPacked(leafHashesOf(readings).packed, readings.length);
}

/**
 * Readings of one device signed together: one signature over the Merkle
 * root of their bytes. The gateway checks that one signature, then every
 * reading (canonical, of `deviceId`, seq increasing) on its own.
 */
export interface SignedReadingBatch {
  deviceId: string;
  /** Each reading's canonical bytes, in seq order. */
  readings: Uint8Array[];
  /** Over READING_BATCH_SIGN_DOMAIN || root: Ed25519, or ECDSA P-256 over SHA-256 as r || s. */
  signature: Uint8Array;
  /** Index of the signing key among the device's registered keys; 0 by default. */
  keyIndex: number;
}

/** Encodes readings of one device and signs their root with its key. */
export function signReadingBatch(
  deviceId: string,
  readings: readonly Reading[],
  keyPair: KeyPair,
  keyIndex = 0,
): SignedReadingBatch {
  const bytes = readings.map(encodeReading);
  return {
    deviceId,
    readings: bytes,
    signature: sign(keyPair, readingBatchSignBytes(readingBatchRoot(bytes))),
    keyIndex,
  };
}
