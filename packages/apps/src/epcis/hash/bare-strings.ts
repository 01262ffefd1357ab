import { CBV_VOCABULARIES, MEASUREMENT_TYPES, SENSOR_COMPONENTS } from "../cbv-vocabulary.ts";

/**
 * Rules 15 and 16 of the hash algorithm: bare CBV names in JSON-LD
 * ("shipping", "Temperature") and CURIEs ("cbv:BizStep-shipping") become full
 * URIs. The reference does this by JSON-LD expansion against the EPCIS 2.0.0
 * context and then replaces, anywhere in the document, each string that is
 * the tail (after "-" or "/") of exactly one expanded CBV or GS1 vocabulary
 * URI. This reproduces that without a JSON-LD processor: the expanded values
 * are computed from the vocabulary positions the context declares with
 * "@type": "@vocab", then the same tail replacement runs over the document.
 */
const CBV = "https://ref.gs1.org/cbv/";
const GS1_VOC = "https://gs1.org/voc/";

type Json = unknown;

function isRecord(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Expansion of one vocabulary-typed value, or undefined when the context has no term for it. */
function expandTerm(value: Json, terms: ReadonlySet<string>, prefix: string): string | undefined {
  if (typeof value !== "string") return undefined;
  if (terms.has(value)) return prefix + value;
  if (value.startsWith("cbv:")) return CBV + value.slice(4);
  if (value.startsWith("gs1:")) return GS1_VOC + value.slice(4);
  return undefined;
}

function collectFromEvent(e: Record<string, Json>, out: Set<string>): void {
  const add = (v: string | undefined) => {
    if (v !== undefined && (v.startsWith(CBV) || v.startsWith(GS1_VOC))) out.add(v);
  };
  const vocab = (kind: keyof typeof CBV_VOCABULARIES) =>
    [CBV_VOCABULARIES[kind].names, `${CBV}${CBV_VOCABULARIES[kind].webPrefix}-`] as const;
  add(expandTerm(e.bizStep, ...vocab("bizStep")));
  add(expandTerm(e.disposition, ...vocab("disposition")));
  if (isRecord(e.persistentDisposition)) {
    for (const key of ["set", "unset"]) {
      const list = e.persistentDisposition[key];
      if (Array.isArray(list)) for (const d of list) add(expandTerm(d, ...vocab("disposition")));
    }
  }
  const typed = (list: Json, kind: "bizTransactionType" | "sourceDestType") => {
    if (Array.isArray(list)) for (const item of list) if (isRecord(item)) add(expandTerm(item.type, ...vocab(kind)));
  };
  typed(e.bizTransactionList, "bizTransactionType");
  typed(e.sourceList, "sourceDestType");
  typed(e.destinationList, "sourceDestType");
  if (isRecord(e.errorDeclaration)) add(expandTerm(e.errorDeclaration.reason, ...vocab("errorReason")));
  if (Array.isArray(e.sensorElementList)) {
    for (const element of e.sensorElementList) {
      if (!isRecord(element) || !Array.isArray(element.sensorReport)) continue;
      for (const r of element.sensorReport) {
        if (!isRecord(r)) continue;
        add(expandTerm(r.type, MEASUREMENT_TYPES, GS1_VOC));
        add(expandTerm(r.exception, new Set(["ALARM_CONDITION", "ERROR_CONDITION"]), GS1_VOC));
        add(expandTerm(r.component, SENSOR_COMPONENTS, `${CBV}Comp-`));
      }
    }
  }
}

/** The expanded CBV/GS1 vocabulary URIs found in a list of events. */
export function expandedVocabulary(events: readonly Json[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) if (isRecord(e)) collectFromEvent(e, out);
  return out;
}

function replacement(value: string, expanded: ReadonlySet<string>): string {
  if (value.startsWith("cbv:") && expanded.has(CBV + value.slice(4))) return CBV + value.slice(4);
  if (value.startsWith("gs1:") && expanded.has(GS1_VOC + value.slice(4))) return GS1_VOC + value.slice(4);
  let found: string | undefined;
  let count = 0;
  for (const x of expanded) {
    if (x.endsWith(`-${value}`) || x.endsWith(`/${value}`)) {
      found = x;
      count++;
    }
  }
  return count === 1 && found !== undefined ? found : value;
}

/** A deep copy of `json` with every bare string replaced as the reference does. */
export function replaceBareStrings(json: Json, expanded: ReadonlySet<string>): Json {
  if (typeof json === "string") return replacement(json, expanded);
  if (Array.isArray(json)) return json.map((item) => replaceBareStrings(item, expanded));
  if (isRecord(json)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(json)) out[k] = replaceBareStrings(v, expanded);
    return out;
  }
  return json;
}
