/** What a certificate holder is allowed to be: carried in the subject OU and the attribute extension. */
export type Role = "admin" | "member" | "node" | "device";
export const ROLES: readonly Role[] = ["admin", "member", "node", "device"];

export function isRole(s: unknown): s is Role {
  return typeof s === "string" && (ROLES as readonly string[]).includes(s);
}

/**
 * The extension in which Hyperledger Fabric CA puts enrollment attributes
 * (value: the raw JSON bytes `{"attrs":{...}}`); fabric-shim's ClientIdentity
 * reads the same OID, so contracts see the same attributes as on Fabric.
 */
export const FABRIC_ATTRS_OID = "1.2.3.4.5.6.7.8.1";

/** Attribute name under which the role is stored in the extension. */
export const ROLE_ATTR = "role";
