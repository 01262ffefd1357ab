import type { SignatureAlgorithm } from "@citychain/protocol";

/** Version of a proof of a reading signed on its own. */
export const READING_PROOF_VERSION = 1;
/** Version of a proof of a reading signed in a device batch. */
export const BATCH_READING_PROOF_VERSION = 2;

/** The parts every reading proof has. */
export interface ReadingProofBase {
  gatewayId: string;
  /** The reading's canonical CBOR bytes (the Merkle leaf). */
  reading: string;
  keyIndex: number;
  /**
   * The key that verified the signature, and the transaction that put it on
   * chain for this device (Devices:Register or Devices:RotateKey): its proof
   * and its return value, the device record the contract wrote.
   */
  deviceKey: {
    alg: SignatureAlgorithm;
    publicKey: string;
    tx: { id: string; proof: string; returnValue: string };
  };
  /** RFC 6962 inclusion proof of the reading in its (anchor) batch. */
  merkle: { index: number; size: number; path: string[] };
  /** The batch's Merkle root, as anchored. */
  root: string;
  /** The Telemetry:Anchor transaction that carries the root (seq: the anchor's number for this gateway). */
  anchor: { txId: string; seq: number | null; proof: string };
}

/** A reading the device signed on its own. */
export interface SingleReadingProof extends ReadingProofBase {
  version: typeof READING_PROOF_VERSION;
  /** The device's signature over "citychain/reading/v1\n" || reading. */
  signature: string;
}

/** A reading the device signed in a batch: the batch root, the reading's path to it, the root's signature. */
export interface BatchedReadingProof extends ReadingProofBase {
  version: typeof BATCH_READING_PROOF_VERSION;
  deviceBatch: {
    /** RFC 6962 root of the device batch's readings (hex). */
    root: string;
    /** The reading's leaf in the device batch, the batch's size and the sibling hashes (hex) up to the root. */
    index: number;
    size: number;
    path: string[];
    /** The device's signature over "citychain/reading-batch/v1\n" || root (base64). */
    signature: string;
  };
}

/**
 * Everything needed to convince anyone holding the chain's genesis that a
 * device signed a reading and a gateway anchored it, without trusting the
 * gateway or the node that served the parts (GET /v1/readings/:id/proof).
 * Bytes are base64, hashes hex.
 */
export type ReadingProof = SingleReadingProof | BatchedReadingProof;
