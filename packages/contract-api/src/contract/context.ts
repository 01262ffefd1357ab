import type { Logger } from "../logger.ts";
import type { ClientIdentity } from "../shim/client-identity.ts";
import type { ChaincodeStub } from "../stub/stub.ts";

/** `ctx.logging`: Fabric's per-contract logger factory. */
export interface ContextLogging {
  setLevel(level: string): void;
  getLogger(name?: string): Logger;
}

/**
 * The transaction context handed to every transaction function (Fabric's
 * `Context`). Subclass it and override `Contract.createContext` to add
 * helpers; do not touch `stub` or `clientIdentity` in the constructor, they
 * are injected afterwards.
 */
export class Context {
  // `declare`: Fabric's Context has no own properties until the dispatcher sets them.
  declare stub: ChaincodeStub;
  declare clientIdentity: ClientIdentity;
  declare logging: ContextLogging;

  /** Sets the stub. Called by the dispatcher, not by contract code. */
  setChaincodeStub(stub: ChaincodeStub): void {
    this.stub = stub;
  }

  /** Sets the client identity. Called by the dispatcher, not by contract code. */
  setClientIdentity(clientIdentity: ClientIdentity): void {
    this.clientIdentity = clientIdentity;
  }
}
