import { ErrorCode } from "@citychain/protocol";
import { isPlainObject } from "../shared/args.ts";
import { appError } from "../shared/errors.ts";
import { decodeBase58, decodeBase64, encodeBase64Url, startsWith, toHex } from "./codecs.ts";

/** The signature algorithms of device keys: those CityChain's crypto package verifies. */
export type KeyAlgorithm = "Ed25519" | "P-256";

/** A public key in one normal form, whatever form it was given in. */
export interface DeviceKey {
  alg: KeyAlgorithm;
  /** RFC 7517/8037 JWK: OKP/Ed25519 {x} or EC/P-256 {x, y}. */
  jwk: { kty: "OKP" | "EC"; crv: KeyAlgorithm; x: string; y?: string };
  /** The raw public key: 32 bytes (Ed25519) or 65 bytes 04||x||y (P-256). */
  publicKeyHex: string;
  /** The verification method's id in a DID document. */
  id?: string;
}

/** DER prefixes of SubjectPublicKeyInfo for Ed25519 (RFC 8410) and uncompressed P-256 (RFC 5480). */
const ED25519_SPKI = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
const P256_SPKI = [
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
];
/** Multicodec prefixes (varint) of multibase keys. */
const ED25519_PUB = [0xed, 0x01];
const X25519_PUB = [0xec, 0x01];

const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function bigOf(bytes: Uint8Array): bigint {
  return BigInt(`0x${toHex(bytes) || "0"}`);
}

/** True when (x, y) is a point of P-256 (y² = x³ − 3x + b mod p): a key off the curve can never verify. */
function onP256(x: Uint8Array, y: Uint8Array): boolean {
  const X = bigOf(x);
  const Y = bigOf(y);
  if (X >= P || Y >= P) return false;
  return (Y * Y - (X * X * X - 3n * X + B)) % P === 0n;
}

export function keyError(where: string, message: string): Error {
  return appError(ErrorCode.DEVICE_KEY_INVALID, `${where}: ${message}`);
}

function ed25519(raw: Uint8Array): DeviceKey {
  return { alg: "Ed25519", jwk: { kty: "OKP", crv: "Ed25519", x: encodeBase64Url(raw) }, publicKeyHex: toHex(raw) };
}

function p256(x: Uint8Array, y: Uint8Array, where: string): DeviceKey {
  if (x.length !== 32 || y.length !== 32) throw keyError(where, "a P-256 key has 32-byte x and y");
  if (!onP256(x, y)) throw keyError(where, "the P-256 point is not on the curve");
  const raw = Uint8Array.from([0x04, ...x, ...y]);
  return {
    alg: "P-256",
    jwk: { kty: "EC", crv: "P-256", x: encodeBase64Url(x), y: encodeBase64Url(y) },
    publicKeyHex: toHex(raw),
  };
}

/** A PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of Ed25519 or uncompressed P-256. */
export function keyFromPem(text: string, where: string): DeviceKey {
  const match = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----\s*$/.exec(text.trim());
  const der = match === null ? undefined : decodeBase64(match[1].replace(/\s+/g, ""));
  if (der === undefined) throw keyError(where, 'expected a PEM "PUBLIC KEY" block');
  if (der.length === 44 && startsWith(der, ED25519_SPKI)) return ed25519(der.slice(12));
  if (der.length === 91 && startsWith(der, P256_SPKI)) return p256(der.slice(27, 59), der.slice(59), where);
  throw keyError(where, "the PEM key is neither Ed25519 nor uncompressed P-256");
}

/** A JWK: OKP/Ed25519 or EC/P-256. Undefined for an X25519 key-agreement key (not a signing key). */
export function keyFromJwk(jwk: unknown, where: string): DeviceKey | undefined {
  if (!isPlainObject(jwk)) throw keyError(where, "a JWK is a JSON object");
  const bytes = (name: string) => (typeof jwk[name] === "string" ? decodeBase64(jwk[name] as string) : undefined);
  if (jwk.kty === "OKP" && jwk.crv === "X25519") return undefined;
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") {
    const x = bytes("x");
    if (x?.length !== 32) throw keyError(where, "an Ed25519 JWK has a 32-byte x");
    return ed25519(x);
  }
  if (jwk.kty === "EC" && jwk.crv === "P-256") {
    const x = bytes("x");
    const y = bytes("y");
    if (x === undefined || y === undefined) throw keyError(where, "an EC JWK has base64url x and y");
    return p256(x, y, where);
  }
  throw keyError(where, `unsupported JWK kty ${String(jwk.kty)} crv ${String(jwk.crv)}: use OKP/Ed25519 or EC/P-256`);
}

/** A multibase (base58btc, "z…") multicodec key: Ed25519; undefined for X25519 (key agreement). */
export function keyFromMultibase(text: string, where: string): DeviceKey | undefined {
  const bytes = text.startsWith("z") ? decodeBase58(text.slice(1)) : undefined;
  if (bytes === undefined) throw keyError(where, 'expected a base58btc multibase key ("z…")');
  if (bytes.length === 34 && startsWith(bytes, X25519_PUB)) return undefined;
  if (bytes.length === 34 && startsWith(bytes, ED25519_PUB)) return ed25519(bytes.slice(2));
  throw keyError(where, "the multibase key is not an Ed25519 public key (multicodec 0xed)");
}
