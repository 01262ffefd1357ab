/** A distinguished name as @peculiar/x509 gives it: RDNs in DER order, each attribute type to its values. */
export type JsonDN = ReadonlyArray<Readonly<Record<string, readonly string[]>>>;

/**
 * Formats a DN exactly as fabric-shim's ClientIdentity does for `getID()`:
 * attributes in reverse DER order as `SHORTNAME=value`, joined by "," without
 * spaces, with the first "/" of each value escaped as "\/" (fabric-shim uses
 * String.replace with a string pattern, which replaces only the first match;
 * we copy that so ids are byte-identical to Fabric's).
 */
export function formatFabricDN(dn: JsonDN): string {
  const parts: string[] = [];
  for (const rdn of dn) {
    for (const [type, values] of Object.entries(rdn)) {
      for (const value of values) parts.push(`${type}=${value.replace("/", "\\/")}`);
    }
  }
  return parts.reverse().join(",");
}

/** The first value of an attribute type (e.g. "CN") in a DN, if present. */
export function dnField(dn: JsonDN, type: string): string | undefined {
  for (const rdn of dn) {
    const values = rdn[type];
    if (values && values.length > 0) return values[0];
  }
  return undefined;
}
