import { CBV_NAMESPACE, CBV_VOCABULARIES, type CbvKind } from "./cbv-vocabulary.ts";

/** Result of reading a value in a CBV vocabulary position. */
export type CbvValue = { ok: true; value: string; standard: boolean } | { ok: false; reason: string };

/** An absolute URI or a CURIE ("scheme:rest"), the form user vocabularies must take. */
export function isUriLike(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value);
}

/**
 * Reads a business step, disposition, transaction type, source/destination
 * type or error reason. CBV 2.0 standard values may be written bare
 * ("shipping"), as a CURIE ("cbv:BizStep-shipping"), as a Web URI
 * ("https://ref.gs1.org/cbv/BizStep-shipping") or in the EPCIS 1.x URN form
 * ("urn:epcglobal:cbv:bizstep:shipping"); all become the bare name. Any other
 * value is accepted only as a URI (a user vocabulary, CBV 2.0 section 6.1 and
 * EPCIS 2.0 section 7.2: non-standard vocabulary elements are URIs). A value
 * that claims the CBV namespace with an unknown name is rejected.
 */
export function readCbvValue(kind: CbvKind, raw: string): CbvValue {
  const vocab = CBV_VOCABULARIES[kind];
  const claimed = claimedStandardName(kind, raw);
  if (claimed !== undefined) {
    return vocab.names.has(claimed)
      ? { ok: true, value: claimed, standard: true }
      : { ok: false, reason: `"${raw}" is not a CBV 2.0 ${kind} value` };
  }
  if (isUriLike(raw)) return { ok: true, value: raw, standard: false };
  return { ok: false, reason: `"${raw}" is neither a CBV 2.0 ${kind} name nor a URI (user vocabularies must be URIs)` };
}

/** The bare name a value claims in the standard vocabulary, or undefined for user values. */
function claimedStandardName(kind: CbvKind, raw: string): string | undefined {
  const { webPrefix, urnPrefix } = CBV_VOCABULARIES[kind];
  if (/^[a-z_]+$/.test(raw)) return raw;
  for (const prefix of [`cbv:${webPrefix}-`, `${CBV_NAMESPACE}${webPrefix}-`, `urn:epcglobal:cbv:${urnPrefix}:`]) {
    if (raw.startsWith(prefix)) return raw.slice(prefix.length);
  }
  return undefined;
}

/** The CBV 2.0 Web URI of a bare standard name, e.g. BizStep-shipping. */
export function cbvWebUri(kind: CbvKind, name: string): string {
  return `${CBV_NAMESPACE}${CBV_VOCABULARIES[kind].webPrefix}-${name}`;
}
