import { bytesToHex, concatBytes, utf8ToBytes } from "./bytes.ts";
import { sha256 } from "./hash.ts";

/**
 * Every contract has its own key space: the stored key is the contract name,
 * a zero byte, then the contract's key. Names cannot contain a zero byte, so
 * no contract can reach another's keys. (Here, not in runtime, because
 * clients read keys out of endorsed read-write sets too.)
 */
export function stateKey(contract: string, key: string): Uint8Array {
  return concatBytes(utf8ToBytes(contract), new Uint8Array([0]), utf8ToBytes(key));
}

export function contractPrefix(contract: string): Uint8Array {
  return concatBytes(utf8ToBytes(contract), new Uint8Array([0]));
}

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
