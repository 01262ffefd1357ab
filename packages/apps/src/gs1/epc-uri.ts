import { ErrorCode } from "@citychain/protocol";
import { validateAiValue } from "./ai.ts";
import { checkNumericKey, gs1CheckDigit } from "./check-digit.ts";
import type { EpcIdentity } from "./epc-identity.ts";
import { gs1Error } from "./gs1-error.ts";

/**
 * EPC pure identity URIs of the GS1 EPC Tag Data Standard (TDS 2.x, section
 * 6): urn:epc:id:sgtin, urn:epc:class:lgtin, urn:epc:id:sscc, urn:epc:id:sgln
 * and the GTIN pattern urn:epc:idpat:sgtin:CP.IIR.*. A URN splits the key at
 * the GS1 Company Prefix, which a GTIN alone does not reveal, so formatting
 * needs the prefix length.
 */

/** TDS escapes these characters of set 82 in URN components (table A-1). */
const URN_ESCAPES: Readonly<Record<string, string>> = {
  '"': "%22",
  "%": "%25",
  "&": "%26",
  "/": "%2F",
  "<": "%3C",
  ">": "%3E",
  "?": "%3F",
};
const URN_COMPONENT = /^(?:[A-Za-z0-9\-_.!'()*+,:;=]|%(?:22|25|26|2[Ff]|3[CcEeFf]))+$/;

function invalid(uri: string, message: string): Error {
  return gs1Error(ErrorCode.GS1_EPC_URI_INVALID, "EPC URI", `${message} in "${uri}"`);
}

/** Escapes a serial, lot or extension for an EPC URN. */
export function escapeUrnComponent(value: string): string {
  return value.replace(/["%&/<>?]/g, (c) => URN_ESCAPES[c]);
}

function unescapeUrnComponent(raw: string, uri: string, what: string): string {
  if (!URN_COMPONENT.test(raw)) throw invalid(uri, `${what} "${raw}" has characters an EPC URI does not allow`);
  return raw.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Company prefix and reference, checking their digit counts add up to `total`. */
function splitKey(cp: string, ref: string, total: number, uri: string): void {
  if (!/^\d{6,12}$/.test(cp)) throw invalid(uri, "the GS1 Company Prefix must be 6 to 12 digits");
  if (!/^\d*$/.test(ref) || cp.length + ref.length !== total) {
    throw invalid(uri, `company prefix and reference must have ${total} digits together`);
  }
}

function gtinOf(cp: string, iir: string, uri: string): string {
  splitKey(cp, iir, 13, uri);
  const body = iir.slice(0, 1) + cp + iir.slice(1);
  return body + gs1CheckDigit(body);
}

/**
 * Parses an EPC URN into what it identifies. Throws GS1_EPC_URI_INVALID for
 * a malformed URN or a scheme this package does not read.
 */
export function parseEpcUrn(uri: string): EpcIdentity {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/.exec(uri);
  if (m === null) throw invalid(uri, "not an EPC URN");
  const [, kind, scheme, rest] = m;
  // Serials, lots and extensions may contain dots: only the first two separate fields.
  const first = rest.indexOf(".");
  const second = first < 0 ? -1 : rest.indexOf(".", first + 1);
  const parts =
    first < 0
      ? [rest]
      : second < 0
        ? [rest.slice(0, first), rest.slice(first + 1)]
        : [rest.slice(0, first), rest.slice(first + 1, second), rest.slice(second + 1)];
  const tag = `${kind}:${scheme}`;
  if (tag === "id:sgtin" || tag === "class:lgtin") {
    if (parts.length !== 3) throw invalid(uri, "expected CompanyPrefix.IndicatorItemRef.Serial");
    const gtin = gtinOf(parts[0], parts[1], uri);
    const value = unescapeUrnComponent(parts[2], uri, tag === "id:sgtin" ? "serial" : "lot");
    validateAiValue(tag === "id:sgtin" ? "21" : "10", value);
    return tag === "id:sgtin" ? { scheme: "sgtin", gtin, serial: value } : { scheme: "lgtin", gtin, lot: value };
  }
  if (tag === "idpat:sgtin") {
    if (parts.length !== 3 || parts[2] !== "*") throw invalid(uri, "only the whole-GTIN pattern CP.IIR.* is supported");
    return { scheme: "gtin", gtin: gtinOf(parts[0], parts[1], uri) };
  }
  if (tag === "id:sscc") {
    if (parts.length !== 2) throw invalid(uri, "expected CompanyPrefix.SerialReference");
    splitKey(parts[0], parts[1], 17, uri);
    const body = parts[1].slice(0, 1) + parts[0] + parts[1].slice(1);
    return { scheme: "sscc", sscc: body + gs1CheckDigit(body) };
  }
  if (tag === "id:sgln") {
    if (parts.length !== 3) throw invalid(uri, "expected CompanyPrefix.LocationReference.Extension");
    splitKey(parts[0], parts[1], 12, uri);
    const body = parts[0] + parts[1];
    const gln = body + gs1CheckDigit(body);
    const extension = unescapeUrnComponent(parts[2], uri, "extension");
    if (extension === "0") return { scheme: "sgln", gln };
    validateAiValue("254", extension);
    return { scheme: "sgln", gln, extension };
  }
  throw invalid(uri, `scheme ${tag} is not supported`);
}

function splitGtin(gtin: string, companyPrefixLength: number): [string, string] {
  checkNumericKey(gtin, 14, "(01) GTIN");
  if (companyPrefixLength < 6 || companyPrefixLength > 12) throw new RangeError("company prefix length must be 6..12");
  return [gtin.slice(1, 1 + companyPrefixLength), gtin.slice(0, 1) + gtin.slice(1 + companyPrefixLength, 13)];
}

/** An EPC URN for an identity, splitting its key after `companyPrefixLength` digits. */
export function formatEpcUrn(identity: EpcIdentity, companyPrefixLength: number): string {
  switch (identity.scheme) {
    case "sgtin": {
      const [cp, iir] = splitGtin(identity.gtin, companyPrefixLength);
      validateAiValue("21", identity.serial);
      return `urn:epc:id:sgtin:${cp}.${iir}.${escapeUrnComponent(identity.serial)}`;
    }
    case "lgtin": {
      const [cp, iir] = splitGtin(identity.gtin, companyPrefixLength);
      validateAiValue("10", identity.lot);
      return `urn:epc:class:lgtin:${cp}.${iir}.${escapeUrnComponent(identity.lot)}`;
    }
    case "gtin": {
      const [cp, iir] = splitGtin(identity.gtin, companyPrefixLength);
      return `urn:epc:idpat:sgtin:${cp}.${iir}.*`;
    }
    case "sscc": {
      checkNumericKey(identity.sscc, 18, "(00) SSCC");
      const cp = identity.sscc.slice(1, 1 + companyPrefixLength);
      return `urn:epc:id:sscc:${cp}.${identity.sscc.slice(0, 1)}${identity.sscc.slice(1 + companyPrefixLength, 17)}`;
    }
    case "sgln": {
      checkNumericKey(identity.gln, 13, "(414) GLN");
      if (identity.extension !== undefined) validateAiValue("254", identity.extension);
      const ext = identity.extension === undefined ? "0" : escapeUrnComponent(identity.extension);
      return `urn:epc:id:sgln:${identity.gln.slice(0, companyPrefixLength)}.${identity.gln.slice(companyPrefixLength, 12)}.${ext}`;
    }
  }
}
