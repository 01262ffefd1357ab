import { bytesToHex } from "@citychain/protocol";

/** Map key of a block hash; nil (no block) is the empty string. */
export type ValueKey = string;

export const NIL_KEY: ValueKey = "";

export function valueKeyOf(blockHash: Uint8Array | null): ValueKey {
  return blockHash === null ? NIL_KEY : bytesToHex(blockHash);
}

/** Map key of a validator address. */
export function addressKeyOf(address: Uint8Array): string {
  return bytesToHex(address);
}
