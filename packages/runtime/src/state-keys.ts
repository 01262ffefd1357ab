import { concatBytes, utf8ToBytes } from "@citychain/protocol";

/**
 * Every contract has its own key space: the stored key is the contract name,
 * a zero byte, then the contract's key. Names cannot contain a zero byte, so
 * no contract can reach another's keys.
 */
export function stateKey(contract: string, key: string): Uint8Array {
  return concatBytes(utf8ToBytes(contract), new Uint8Array([0]), utf8ToBytes(key));
}

export function contractPrefix(contract: string): Uint8Array {
  return concatBytes(utf8ToBytes(contract), new Uint8Array([0]));
}

export function stateKeyToString(key: Uint8Array): string {
  return Buffer.from(key).toString("hex");
}
