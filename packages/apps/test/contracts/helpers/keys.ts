/** Fixed device keys for the tests (from fixed seeds, so every run is the same). */
import { createECDH, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

const ED25519_PKCS8_PREFIX = "302e020100300506032b657004220420";
const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function base58(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
  let out = "";
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

/** An Ed25519 key pair from a one-byte seed pattern, in the forms devices present it. */
export function ed25519Key(seedByte: number): {
  pem: string;
  jwk: string;
  multibase: string;
  didKey: string;
  raw: Uint8Array;
  privateKey: KeyObject;
} {
  const seed = Buffer.alloc(32, seedByte);
  const privateKey = createPrivateKey({
    key: Buffer.from(ED25519_PKCS8_PREFIX + seed.toString("hex"), "hex"),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: "jwk" });
  const raw = Uint8Array.from(Buffer.from(jwk.x as string, "base64url"));
  const multibase = `z${base58(Uint8Array.from([0xed, 0x01, ...raw]))}`;
  return {
    pem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    jwk: JSON.stringify({ kty: "OKP", crv: "Ed25519", x: jwk.x }),
    multibase,
    didKey: `did:key:${multibase}`,
    raw,
    privateKey,
  };
}

/** A P-256 public key from a fixed private scalar, as PEM and JWK. */
export function p256Key(): { pem: string; jwk: string } {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.alloc(32, 7));
  const point = ecdh.getPublicKey();
  const jwk = {
    kty: "EC",
    crv: "P-256",
    x: point.subarray(1, 33).toString("base64url"),
    y: point.subarray(33).toString("base64url"),
  };
  const publicKey = createPublicKey({ key: jwk, format: "jwk" });
  return { pem: publicKey.export({ format: "pem", type: "spki" }).toString(), jwk: JSON.stringify(jwk) };
}
