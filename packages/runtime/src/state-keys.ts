export { contractPrefix, stateKey } from "@citychain/protocol";

export function stateKeyToString(key: Uint8Array): string {
  return Buffer.from(key).toString("hex");
}
