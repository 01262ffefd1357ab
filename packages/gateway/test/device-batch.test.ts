import { readFileSync } from "node:fs";
import { ed25519PrivateKeyFromSeed, generateKeyPair, keyPairFromKeyObject, verifySignature } from "@citychain/crypto";
import { bytesToHex, hexToBytes, leafHash, merkleRoot } from "@citychain/protocol";
import { describe, expect, it } from "vitest";
import {
  createDeviceSigner,
  decodeReading,
  READING_BATCH_SIGN_DOMAIN,
  readingBatchRoot,
  readingBatchSignBytes,
  signReadingBatch,
} from "../src/index.ts";

interface BatchVectors {
  signingSeedHex: string;
  publicKeyHex: string;
  deviceId: string;
  batches: { readings: string[]; leaves: string[]; root: string; ed25519Signature: string }[];
}
const vectors = JSON.parse(
  readFileSync(new URL("./vectors/reading-batches.json", import.meta.url), "utf8"),
) as BatchVectors;

describe("device batches", () => {
  it("have the vectors' leaves, root and Ed25519 signature over the domain-tagged root", () => {
    const kp = keyPairFromKeyObject(ed25519PrivateKeyFromSeed(hexToBytes(vectors.signingSeedHex)));
    expect(bytesToHex(kp.publicKey)).toBe(vectors.publicKeyHex);
    for (const [k, v] of vectors.batches.entries()) {
      const readings = v.readings.map(hexToBytes);
      expect(
        readings.map((r) => bytesToHex(leafHash(r))),
        `batch ${k}`,
      ).toEqual(v.leaves);
      expect(bytesToHex(readingBatchRoot(readings)), `batch ${k}`).toBe(v.root);
      expect(bytesToHex(merkleRoot(readings)), `batch ${k}: the protocol's RFC 6962 root`).toBe(v.root);
      const signed = signReadingBatch(vectors.deviceId, readings.map(decodeReading), kp);
      expect(signed.readings.map(bytesToHex), `batch ${k}`).toEqual(v.readings);
      expect(bytesToHex(signed.signature), `batch ${k}`).toBe(v.ed25519Signature);
      const message = readingBatchSignBytes(hexToBytes(v.root));
      expect(Buffer.from(message.subarray(0, READING_BATCH_SIGN_DOMAIN.length)).toString(), `batch ${k}`).toBe(
        "citychain/reading-batch/v1\n",
      );
      expect(verifySignature("ed25519", kp.publicKey, message, signed.signature), `batch ${k}`).toBe(true);
      // The bare root does not verify: the domain tag is part of what is signed.
      expect(verifySignature("ed25519", kp.publicKey, hexToBytes(v.root), signed.signature), `batch ${k}`).toBe(false);
    }
  });

  it("are signed by a device signer with consecutive seqs, Ed25519 and P-256", () => {
    for (const alg of ["ed25519", "p256"] as const) {
      const kp = generateKeyPair(alg);
      const device = createDeviceSigner({ deviceId: `dev-${alg}`, keyPair: kp, firstSeq: 7 });
      const batch = device.signBatch([{ v: 1 }, { v: 2 }, { v: 3 }], 1_000);
      expect(
        batch.readings.map((r) => decodeReading(r).seq),
        alg,
      ).toEqual([7, 8, 9]);
      expect(device.nextSeq, alg).toBe(10);
      const message = readingBatchSignBytes(merkleRoot(batch.readings));
      expect(verifySignature(alg, kp.publicKey, message, batch.signature), alg).toBe(true);
      const tampered = batch.readings.map((r) => r.slice());
      tampered[1][tampered[1].length - 1] ^= 1;
      const other = readingBatchSignBytes(merkleRoot(tampered));
      expect(verifySignature(alg, kp.publicKey, other, batch.signature), alg).toBe(false);
    }
  });
});
