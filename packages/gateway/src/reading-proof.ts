import type { SignatureAlgorithm } from "@citychain/protocol";

/** Version of the ReadingProof format below. */
export const READING_PROOF_VERSION = 1;

/**
 * Everything needed to convince anyone holding the chain's genesis that a
 * device signed a reading and a gateway anchored it, without trusting the
 * gateway or the node that served the parts (GET /v1/readings/:id/proof).
 * Bytes are base64, hashes hex.
 */
export interface ReadingProof {
  version: number;
  gatewayId: string;
  /** The reading's canonical CBOR bytes (the Merkle leaf). */
  reading: string;
  /** The device's signature over "citychain/reading/v1\n" || reading. */
  signature: string;
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
  /** RFC 6962 inclusion proof of the reading in its batch. */
  merkle: { index: number; size: number; path: string[] };
  /** The batch's Merkle root, as anchored. */
  root: string;
  /** The Telemetry:Anchor transaction that carries the root (seq: the anchor's number for this gateway). */
  anchor: { txId: string; seq: number | null; proof: string };
}
