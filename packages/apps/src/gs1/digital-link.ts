import { ErrorCode } from "@citychain/protocol";
import { aiDefinition, validateAiValue } from "./ai.ts";
import { normaliseGtin } from "./check-digit.ts";
import type { Gs1Elements } from "./elements.ts";
import { gs1Error } from "./gs1-error.ts";
import { decodePercent, encodeDigitalLinkValue } from "./percent.ts";

/** A parsed GS1 Digital Link URI. */
export interface DigitalLink {
  /** Scheme, host and any path before the primary key, without trailing slash. */
  resolver: string;
  elements: Gs1Elements;
  /** Query parameters that are not GS1 AIs (e.g. linkType), in order. */
  otherQuery: Array<[string, string]>;
}

/** The canonical resolver of GS1, used when formatting without one. */
export const GS1_RESOLVER = "https://id.gs1.org";

/** Primary keys this package supports and the qualifiers each allows, in path order. */
const QUALIFIERS: Readonly<Record<string, readonly string[]>> = {
  "01": ["10", "21"],
  "00": [],
  "414": ["254"],
};
const DATA_ATTRIBUTES = new Set(["11", "17"]);
const FIELD_OF_AI: Readonly<Record<string, keyof Gs1Elements>> = {
  "00": "sscc",
  "01": "gtin",
  "10": "lot",
  "11": "productionDate",
  "17": "expiry",
  "21": "serial",
  "254": "glnExtension",
  "414": "gln",
};

function invalid(part: string, message: string): Error {
  return gs1Error(ErrorCode.GS1_DIGITAL_LINK_INVALID, part, message);
}

function decodeSegment(raw: string, part: string): string {
  const value = decodePercent(raw);
  if (value === undefined) throw invalid(part, `malformed percent-encoding in "${raw}"`);
  return value;
}

/** Index of the primary key segment: the first supported key followed by whole pairs. */
function primaryKeyIndex(segments: string[]): number {
  for (let i = 0; i < segments.length; i++) {
    if (QUALIFIERS[segments[i]] !== undefined && (segments.length - i) % 2 === 0) return i;
  }
  for (let i = 0; i < segments.length; i++) {
    if (/^\d{2,4}$/.test(segments[i]) && (segments.length - i) % 2 === 0) {
      throw gs1Error(
        ErrorCode.GS1_AI_UNKNOWN,
        `path segment ${i + 1}`,
        `(${segments[i]}) is not a supported primary key`,
      );
    }
  }
  throw invalid("path", "no GS1 primary key (00, 01 or 414) followed by its value");
}

function setElement(elements: Gs1Elements, ai: string, value: string): void {
  const field = FIELD_OF_AI[ai];
  if (field === "gtin") {
    elements.gtin = normaliseGtin(value);
    return;
  }
  validateAiValue(ai, value);
  elements[field] = value;
}

function parsePath(segments: string[], start: number, elements: Gs1Elements): void {
  const key = segments[start];
  setElement(elements, key, decodeSegment(segments[start + 1], `path segment ${start + 2}`));
  const allowed = QUALIFIERS[key];
  let rank = -1;
  for (let i = start + 2; i < segments.length; i += 2) {
    const ai = segments[i];
    const part = `path segment ${i + 1}`;
    if (!/^\d+$/.test(ai)) throw invalid(part, `"${ai}" is not an application identifier`);
    aiDefinition(ai, part);
    const at = allowed.indexOf(ai);
    if (at < 0) throw invalid(part, `(${ai}) cannot qualify (${key}) in a Digital Link path`);
    if (at <= rank) throw invalid(part, `(${ai}) is out of order: after (${key}) the order is ${allowed.join(", ")}`);
    rank = at;
    setElement(elements, ai, decodeSegment(segments[i + 1], `path segment ${i + 2}`));
  }
}

function parseQuery(query: string, elements: Gs1Elements, otherQuery: Array<[string, string]>): void {
  if (query === "") return;
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeSegment(eq < 0 ? pair : pair.slice(0, eq), "query");
    const value = decodeSegment(eq < 0 ? "" : pair.slice(eq + 1), `query ${key}`);
    if (!/^\d+$/.test(key)) {
      otherQuery.push([key, value]);
      continue;
    }
    const part = `query ${key}`;
    aiDefinition(key, part);
    if (!DATA_ATTRIBUTES.has(key)) throw invalid(part, `(${key}) belongs in the path, not the query string`);
    if (elements[FIELD_OF_AI[key]] !== undefined) throw invalid(part, `(${key}) appears twice`);
    setElement(elements, key, value);
  }
}

/**
 * Parses a GS1 Digital Link URI such as
 * `https://id.gs1.org/01/09506000134352/10/ABC%2F1/21/12345?17=261231`.
 * Supports the primary keys (01) GTIN with (10) lot and (21) serial, (00)
 * SSCC and (414) GLN with (254) extension, and the data attributes (17) and
 * (11) in the query. A GTIN of 8, 12, 13 or 14 digits becomes 14 digits.
 * Any path before the primary key is the resolver's own. Throws coded errors
 * (GS1_DIGITAL_LINK_INVALID, GS1_AI_UNKNOWN, GS1_CHECK_DIGIT_INVALID, ...)
 * naming the part at fault.
 */
export function parseDigitalLink(uri: string): DigitalLink {
  const match = /^(https?:\/\/[^/?#]+)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(uri);
  if (match === null) throw invalid("uri", `not an http(s) URI: "${uri}"`);
  const segments = match[2].split("/").slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop();
  const start = primaryKeyIndex(segments);
  const elements: Gs1Elements = {};
  const otherQuery: Array<[string, string]> = [];
  parsePath(segments, start, elements);
  parseQuery(match[3] ?? "", elements, otherQuery);
  const prefix = segments.slice(0, start).join("/");
  return { resolver: prefix === "" ? match[1] : `${match[1]}/${prefix}`, elements, otherQuery };
}

/**
 * Formats elements as a Digital Link URI on `resolver` (default
 * https://id.gs1.org): exactly one primary key, qualifiers in the standard's
 * order, values percent-encoded, (11) and (17) in the query. Validates every
 * value and throws like parseDigitalLink.
 */
export function formatDigitalLink(elements: Gs1Elements, resolver: string = GS1_RESOLVER): string {
  const keys = (["gtin", "sscc", "gln"] as const).filter((k) => elements[k] !== undefined);
  if (keys.length !== 1) throw invalid("elements", "exactly one of gtin, sscc or gln is required");
  const path: string[] = [];
  const add = (ai: string, field: keyof Gs1Elements) => {
    const value = elements[field];
    if (value === undefined) return;
    const checked = field === "gtin" ? normaliseGtin(value) : value;
    if (field !== "gtin") validateAiValue(ai, value);
    path.push(ai, encodeDigitalLinkValue(checked));
  };
  if (keys[0] !== "gtin" && (elements.lot !== undefined || elements.serial !== undefined)) {
    throw invalid("elements", "lot and serial qualify a GTIN only");
  }
  if (keys[0] !== "gln" && elements.glnExtension !== undefined)
    throw invalid("elements", "glnExtension qualifies a GLN only");
  add("00", "sscc");
  add("01", "gtin");
  add("10", "lot");
  add("21", "serial");
  add("414", "gln");
  add("254", "glnExtension");
  const query: string[] = [];
  for (const [ai, field] of [
    ["11", "productionDate"],
    ["17", "expiry"],
  ] as const) {
    const value = elements[field];
    if (value === undefined) continue;
    validateAiValue(ai, value);
    query.push(`${ai}=${value}`);
  }
  const base = resolver.replace(/\/+$/, "");
  return `${base}/${path.join("/")}${query.length > 0 ? `?${query.join("&")}` : ""}`;
}
