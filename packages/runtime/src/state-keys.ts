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

/** The first key after every key that starts with `prefix` (undefined: none, the prefix is all 0xff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = new Uint8Array(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}
