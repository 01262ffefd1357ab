/**
 * Namespace prefixes an EPCIS JSON-LD document may use in extension field
 * names: those of the EPCIS 2.0.0 context plus the ones the document's own
 * @context declares ({"example": "http://ns.example.com/epcis/"}).
 */
export type Namespaces = ReadonlyMap<string, string>;

/** Prefixes the standard EPCIS 2.0.0 context itself defines. */
export const STANDARD_PREFIXES: Readonly<Record<string, string>> = {
  epcis: "https://ref.gs1.org/epcis/",
  cbv: "https://ref.gs1.org/cbv/",
  cbvmda: "urn:epcglobal:cbv:mda:",
  gs1: "https://gs1.org/voc/",
  rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  owl: "http://www.w3.org/2002/07/owl#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  dcterms: "http://purl.org/dc/terms/",
};

/** Prefixes declared by a JSON-LD @context value (string, object or array of them). */
export function contextPrefixes(context: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (c: unknown) => {
    if (Array.isArray(c)) {
      for (const item of c) visit(item);
    } else if (c !== null && typeof c === "object") {
      for (const [key, value] of Object.entries(c)) {
        if (!key.startsWith("@") && typeof value === "string") out.set(key, value);
      }
    }
  };
  visit(context);
  return out;
}

/** Standard prefixes overlaid with the document's own. */
export function documentNamespaces(context: unknown): Namespaces {
  const out = new Map(Object.entries(STANDARD_PREFIXES));
  for (const [k, v] of contextPrefixes(context)) out.set(k, v);
  return out;
}

/** True for a field name that is a user extension: a declared "prefix:name" or a full IRI. */
export function isExtensionKey(key: string, namespaces: Namespaces): boolean {
  if (/^https?:\/\//.test(key)) return true;
  const colon = key.indexOf(":");
  return colon > 0 && namespaces.has(key.slice(0, colon)) && colon < key.length - 1;
}
