import { isCityChainError } from "@citychain/protocol";
import { formatDigitalLink, GS1_RESOLVER, parseDigitalLink } from "./digital-link.ts";
import type { EpcIdentity } from "./epc-identity.ts";
import { parseEpcUrn } from "./epc-uri.ts";
import { encodeDigitalLinkValue } from "./percent.ts";

/**
 * Reads an EPC written either as an EPC URN or as a GS1 Digital Link URI
 * (EPCIS 2.0 allows both, section 8.3). A Digital Link with both lot and
 * serial identifies the instance, so the lot is dropped (the CBV event-hash
 * rules keep the finest level only, for the same reason). Returns undefined
 * for anything else (other URN schemes, private URIs, malformed input).
 */
export function epcToIdentity(epc: string): EpcIdentity | undefined {
  const uri = epc.trim();
  try {
    if (uri.startsWith("urn:epc:")) return parseEpcUrn(uri);
    if (!/^https?:\/\//.test(uri)) return undefined;
    const { elements: e } = parseDigitalLink(uri);
    if (e.gtin !== undefined) {
      if (e.serial !== undefined) return { scheme: "sgtin", gtin: e.gtin, serial: e.serial };
      if (e.lot !== undefined) return { scheme: "lgtin", gtin: e.gtin, lot: e.lot };
      return { scheme: "gtin", gtin: e.gtin };
    }
    if (e.sscc !== undefined) return { scheme: "sscc", sscc: e.sscc };
    if (e.gln !== undefined) {
      return e.glnExtension === undefined
        ? { scheme: "sgln", gln: e.gln }
        : { scheme: "sgln", gln: e.gln, extension: e.glnExtension };
    }
    return undefined;
  } catch (e) {
    if (isCityChainError(e)) return undefined;
    throw e;
  }
}

/** The canonical Digital Link path of an identity, without resolver ("01/…/21/…"). */
export function identityKey(identity: EpcIdentity): string {
  switch (identity.scheme) {
    case "sgtin":
      return `01/${identity.gtin}/21/${encodeDigitalLinkValue(identity.serial)}`;
    case "lgtin":
      return `01/${identity.gtin}/10/${encodeDigitalLinkValue(identity.lot)}`;
    case "gtin":
      return `01/${identity.gtin}`;
    case "sscc":
      return `00/${identity.sscc}`;
    case "sgln":
      return identity.extension === undefined
        ? `414/${identity.gln}`
        : `414/${identity.gln}/254/${encodeDigitalLinkValue(identity.extension)}`;
  }
}

/**
 * One key per identified thing, whatever form an event used:
 * `urn:epc:id:sgtin:0614141.107346.2017`,
 * `https://id.gs1.org/01/00614141073467/21/2017` and
 * `https://example.com/01/614141073467/10/L1/21/2017?17=260101` all give
 * `01/00614141073467/21/2017`. Identifiers this package cannot read keep their
 * own (trimmed) text as key, so they still match themselves; such keys always
 * contain a URI scheme and cannot collide with the canonical paths.
 */
export function epcCanonicalKey(epc: string): string {
  const identity = epcToIdentity(epc);
  return identity === undefined ? epc.trim() : identityKey(identity);
}

/** The canonical Digital Link URI of an identity on `resolver` (default id.gs1.org). */
export function identityToDigitalLink(identity: EpcIdentity, resolver: string = GS1_RESOLVER): string {
  switch (identity.scheme) {
    case "sgtin":
      return formatDigitalLink({ gtin: identity.gtin, serial: identity.serial }, resolver);
    case "lgtin":
      return formatDigitalLink({ gtin: identity.gtin, lot: identity.lot }, resolver);
    case "gtin":
      return formatDigitalLink({ gtin: identity.gtin }, resolver);
    case "sscc":
      return formatDigitalLink({ sscc: identity.sscc }, resolver);
    case "sgln":
      return formatDigitalLink({ gln: identity.gln, glnExtension: identity.extension }, resolver);
  }
}
