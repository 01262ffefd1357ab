export { keyHashHex, privateHashSpaceOf, privateHashStateKey } from "@citychain/protocol";

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
