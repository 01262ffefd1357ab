import { compareKeys } from "../mango/collate.ts";
import { hostOf } from "../stub/host-of.ts";
import type { ChaincodeStub } from "../stub/stub.ts";

/**
 * The identity that signed the transaction (Fabric's `ClientIdentity`), from
 * the host's view of the signer's certificate. `getX509Certificate` is not
 * provided (Fabric 2.5 dropped it too): parse `getIDBytes()` if needed.
 */
export class ClientIdentity {
  /** Public as in Fabric, where chaincode sometimes reads them directly. */
  readonly stub: ChaincodeStub;
  readonly mspId: string;
  readonly idBytes: Uint8Array;
  readonly id: string;
  readonly attrs: Readonly<Record<string, string>>;

  /** The identity of the transaction `stub` belongs to. */
  constructor(stub: ChaincodeStub) {
    const creator = hostOf(stub).creator;
    this.stub = stub;
    this.mspId = stub.getCreator().mspid;
    this.idBytes = stub.getCreator().idBytes;
    this.id = creator.id;
    this.attrs = copyAttributes(creator.attributes);
  }

  /** `x509::<subject DN>::<issuer DN>`, unique within the organisation. */
  getID(): string {
    return this.id;
  }

  /** The signer's organisation (MSP id). */
  getMSPID(): string {
    return this.mspId;
  }

  /** The signer's certificate, PEM bytes. */
  getIDBytes(): Uint8Array {
    return this.idBytes;
  }

  /** The value of a certificate attribute, or null when the signer has none (or an empty one). */
  getAttributeValue(attrName: string): string | null {
    const value = Object.hasOwn(this.attrs, attrName) ? this.attrs[attrName] : undefined;
    return value ? value : null;
  }

  /** True when the signer has the attribute with exactly this value. */
  assertAttributeValue(attrName: string, attrValue: string): boolean {
    const value = this.getAttributeValue(attrName);
    return value !== null && value === attrValue;
  }
}

// A null-prototype copy, so lookups of names like "constructor" find nothing inherited; names are
// sorted so the copy's order does not depend on how the host built its object.
function copyAttributes(attributes: Record<string, string>): Record<string, string> {
  const copy = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(attributes).sort(compareKeys)) {
    const value = attributes[name];
    if (typeof value === "string") copy[name] = value;
  }
  return Object.freeze(copy);
}
