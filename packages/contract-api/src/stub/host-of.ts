import type { ContractHost } from "../host.ts";

/**
 * The host behind each stub, kept out of the stub's own properties so that
 * contract code cannot reach the host around the API; `ClientIdentity` reads
 * the signer's details through it.
 */
const hosts = new WeakMap<object, ContractHost>();

/** Records the host of a stub. */
export function setHostOf(stub: object, host: ContractHost): void {
  hosts.set(stub, host);
}

/** The host of a stub created by this package. */
export function hostOf(stub: object): ContractHost {
  const host = hosts.get(stub);
  if (!host) throw new Error("not a ChaincodeStub created by the CityChain contract API");
  return host;
}
