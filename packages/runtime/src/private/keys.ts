import { bytesToHex, sha256, utf8ToBytes } from "@citychain/protocol";
import { stateKey } from "../state-keys.ts";

/**
 * The public key space holding a collection's hashes: the contract's name,
 * '#pd:', the collection. '#' is not allowed in contract names, so no
 * contract reaches it through its own keys. Each entry is SHA-256(value)
 * under hex(SHA-256(key)): members and non-members alike can check a value
 * they are shown, and the key itself stays private too.
 */
export function privateHashSpaceOf(contract: string, collection: string): string {
  return `${contract}#pd:${collection}`;
}

export function keyHashHex(key: string): string {
  return bytesToHex(sha256(utf8ToBytes(key)));
}

/** The full state key of a private key's hash. */
export function privateHashStateKey(contract: string, collection: string, key: string): Uint8Array {
  return stateKey(privateHashSpaceOf(contract, collection), keyHashHex(key));
}

/** Splits a full state key of a hash space back into contract, collection and key hash, if it is one. */
export function parsePrivateHashKey(
  key: Uint8Array,
): { contract: string; collection: string; keyHash: string } | undefined {
  const zero = key.indexOf(0);
  if (zero < 0) return undefined;
  const space = Buffer.from(key.subarray(0, zero)).toString("utf8");
  const at = space.indexOf("#pd:");
  if (at <= 0) return undefined;
  return {
    contract: space.slice(0, at),
    collection: space.slice(at + 4),
    keyHash: Buffer.from(key.subarray(zero + 1)).toString("utf8"),
  };
}
