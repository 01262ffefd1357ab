import { createPublicKey, type KeyObject } from "node:crypto";
import { CityChainError, ErrorCode, type SignatureAlgorithm } from "@citychain/protocol";

/** Raw public key sizes: Ed25519 point, uncompressed P-256 point (0x04 || X || Y). */
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const P256_PUBLIC_KEY_BYTES = 65;
/** Both algorithms produce fixed-size signatures (P-256 in IEEE P1363 r || s form). */
export const SIGNATURE_BYTES = 64;

// The DER SubjectPublicKeyInfo of both key types is a fixed header followed by
// the raw key, so converting is a slice or a concat: no ASN.1 parser needed.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const P256_SPKI_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex");

function unsupported(what: string): CityChainError {
  return new CityChainError(
    { code: ErrorCode.KEY_UNSUPPORTED },
    `unsupported key ${what}: CityChain accepts Ed25519 and ECDSA P-256 (prime256v1) keys only`,
  );
}

/** The signature algorithm of a (public or private) KeyObject; throws KEY_UNSUPPORTED otherwise. */
export function algOfKeyObject(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "p256";
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw unsupported(`type ${key.asymmetricKeyType ?? key.type}${curve ? ` (curve ${curve})` : ""}`);
}

/** Raw public key of a public or private KeyObject (private keys derive their public half). */
export function rawPublicKeyFromKeyObject(key: KeyObject): { alg: SignatureAlgorithm; publicKey: Uint8Array } {
  const alg = algOfKeyObject(key);
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return { alg, publicKey: rawPublicKeyFromSpki(alg, pub.export({ format: "der", type: "spki" })) };
}

/** Raw public key from a DER SubjectPublicKeyInfo of the given algorithm. */
export function rawPublicKeyFromSpki(alg: SignatureAlgorithm, spki: Uint8Array): Uint8Array {
  const prefix = alg === "ed25519" ? ED25519_SPKI_PREFIX : P256_SPKI_PREFIX;
  const rawBytes = alg === "ed25519" ? ED25519_PUBLIC_KEY_BYTES : P256_PUBLIC_KEY_BYTES;
  if (spki.length !== prefix.length + rawBytes || !prefix.equals(spki.subarray(0, prefix.length))) {
    throw unsupported(`encoding for ${alg} (SubjectPublicKeyInfo of ${spki.length} bytes)`);
  }
  return new Uint8Array(spki.subarray(prefix.length));
}

/** DER SubjectPublicKeyInfo for a raw public key (inverse of rawPublicKeyFromSpki). */
export function spkiFromRawPublicKey(alg: SignatureAlgorithm, publicKey: Uint8Array): Buffer {
  return Buffer.concat([alg === "ed25519" ? ED25519_SPKI_PREFIX : P256_SPKI_PREFIX, publicKey]);
}

/**
 * A public KeyObject from a raw key. Throws (node's error) if the bytes are not
 * a valid point; verification callers turn that into `false`.
 */
export function publicKeyObjectFromRaw(alg: SignatureAlgorithm, publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: spkiFromRawPublicKey(alg, publicKey), format: "der", type: "spki" });
}

/** Uint8Array view of a Buffer, so callers never see Buffer-specific behaviour. */
export function bufferToBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
