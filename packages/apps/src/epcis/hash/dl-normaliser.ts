import { gs1CheckDigit } from "../../gs1/check-digit.ts";

/**
 * Rules 17 and 18 of the hash algorithm: EPC URIs, EPC class and pattern
 * URIs become canonical GS1 Digital Link URIs on https://id.gs1.org, and
 * Digital Link URIs are constrained (GS1 domain, no query string, finest
 * identification level only). A port of the reference implementation's
 * dl_normaliser.py (RalphTro/epcis-event-hash-generator) for the schemes
 * EPCIS events commonly carry; like the original, it returns undefined for
 * anything it does not convert, and the value is then hashed as written.
 * Not ported: cpi, itip, upui and the idpat forms other than sgtin.
 */

/** One character of an EPC URI component (TDS), escapes included. */
const C =
  "(?:%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])";
/** Company prefix plus a reference of `total` digits in all, dot-separated. */
function cpRef(total: number, lastAlt = ""): string {
  const alts: string[] = [];
  for (let cp = 6; cp <= 12; cp++) alts.push(String.raw`\d{${cp}}\.\d{${total - cp}}`);
  if (lastAlt !== "") alts[alts.length - 1] = lastAlt;
  return `(?:${alts.join("|")})`;
}
/** Python re.match: anchored at the start only. */
function match(pattern: string, s: string): boolean {
  return new RegExp(`^(?:${pattern})`).test(s);
}

/** Digital Link Table 7-1 characters that URN components may still carry literally. */
function webUriPercentEncode(s: string): string {
  return s
    .replaceAll("!", "%21")
    .replaceAll("(", "%28")
    .replaceAll(")", "%29")
    .replaceAll("*", "%2A")
    .replaceAll("+", "%2B")
    .replaceAll(",", "%2C")
    .replaceAll(":", "%3A");
}

function withCheck(body: string): string {
  return body + gs1CheckDigit(body);
}

type Converter = (uri: string, partition: number) => string;

function gtinBody(uri: string, start: number, partition: number): string {
  const cp = uri.slice(start, partition);
  const itemRef = uri.slice(partition + 1, partition + 1 + (13 - cp.length));
  return itemRef.slice(0, 1) + cp + itemRef.slice(1);
}

function refBody(uri: string, start: number, partition: number, total: number): string {
  const cp = uri.slice(start, partition);
  return cp + uri.slice(partition + 1, partition + 1 + (total - cp.length));
}

const D = "https://id.gs1.org/";

/** EPC URI patterns of the reference, in its order, with their conversion. */
const EPC_CONVERSIONS: Array<[string, Converter]> = [
  [
    `urn:epc:id:sgtin:${cpRef(13)}\\.${C}{1,20}$`,
    (u, p) => `${D}01/${withCheck(gtinBody(u, 17, p))}/21/${webUriPercentEncode(u.slice(32))}`,
  ],
  [
    `urn:epc:id:sscc:${cpRef(17)}$`,
    (u, p) => `${D}00/${withCheck(u.slice(p + 1, p + 2) + u.slice(16, p) + u.slice(p + 2))}`,
  ],
  [
    `urn:epc:id:sgln:${cpRef(12, String.raw`\d{12}\.`)}\\.${C}{1,20}$`,
    (u, p) => {
      const gln = withCheck(refBody(u, 16, p, 12));
      const ext = u.slice(30);
      return ext === "0" ? `${D}414/${gln}` : `${D}414/${gln}/254/${webUriPercentEncode(ext)}`;
    },
  ],
  [
    `urn:epc:id:grai:${cpRef(12, String.raw`\d{12}\.\.`)}\\.${C}{1,16}$`,
    (u, p) => `${D}8003/${withCheck(`0${refBody(u, 16, p, 12)}`)}${webUriPercentEncode(u.slice(30))}`,
  ],
  [
    `urn:epc:id:giai:(?:${[6, 7, 8, 9, 10, 11, 12].map((cp) => String.raw`\d{${cp}}\.${C}{1,${30 - cp}}`).join("|")})$`,
    (u, p) => `${D}8004/${u.slice(16, p)}${webUriPercentEncode(u.slice(p + 1))}`,
  ],
  [`urn:epc:id:gsrn:${cpRef(17)}$`, (u, p) => `${D}8018/${withCheck(u.slice(16, p) + u.slice(p + 1))}`],
  [`urn:epc:id:gsrnp:${cpRef(17)}$`, (u, p) => `${D}8017/${withCheck(u.slice(17, p) + u.slice(p + 1))}`],
  [
    `urn:epc:id:gdti:${cpRef(12, String.raw`\d{12}\.\.`)}${C}{1,20}$`,
    (u, p) => `${D}253/${withCheck(refBody(u, 16, p, 12))}${webUriPercentEncode(u.slice(30))}`,
  ],
  [
    `urn:epc:id:sgcn:${cpRef(12, String.raw`\d{12}\.`)}\\.\\d{1,12}$`,
    (u, p) => `${D}255/${withCheck(refBody(u, 16, p, 12))}${u.slice(30)}`,
  ],
  [
    `urn:epc:id:ginc:(?:${[6, 7, 8, 9, 10, 11, 12].map((cp) => String.raw`\d{${cp}}\.${C}{1,${30 - cp}}`).join("|")})$`,
    (u, p) => `${D}401/${u.slice(16, p)}${webUriPercentEncode(u.slice(p + 1))}`,
  ],
  [`urn:epc:id:gsin:${cpRef(16)}$`, (u, p) => `${D}402/${withCheck(u.slice(16, p) + u.slice(p + 1))}`],
  [`urn:epc:id:pgln:${cpRef(12, String.raw`\d{12}\.`)}$`, (u, p) => `${D}417/${withCheck(refBody(u, 16, p, 12))}`],
  [
    `urn:epc:class:lgtin:${cpRef(13)}\\.${C}{1,20}$`,
    (u, p) => `${D}01/${withCheck(gtinBody(u, 20, p))}/10/${webUriPercentEncode(u.slice(35))}`,
  ],
  [`urn:epc:idpat:sgtin:${cpRef(13)}\\.\\*$`, (u, p) => `${D}01/${withCheck(gtinBody(u, 20, p))}`],
];

const KEYS =
  "01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai";
const DL = String.raw`https?:(\/\/((([^\/?#]*)@)?([^\/?#:]*)(:([^\/?#]*))?))?((([^?#]*)(\/(${KEYS})\/)(\d{4}[^\/]+)(\/[^/]+\/[^/]+)?[/]?(\?([^?\n]*))?(#([^\n]*))?)|(\/[A-Za-z_-]{10}$))`;
const CANONICAL = String.raw`https:\/\/id.gs1.org\/(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)\/(\d{4}[^\/]+)(\/[^\/]+\/[^\/]+)?[\/]?(\?([^?\n]*))?(#([^\n]*))?|(\/[A-Za-z_-]{10}$)`;
const SHORT_NAMES: Array<[string, string]> = [
  ["gtin", "01"],
  ["itip", "8006"],
  ["cpid", "8010"],
  ["gln", "414"],
  ["party", "417"],
  ["gsrnp", "8017"],
  ["gsrn", "8018"],
  ["gcn", "255"],
  ["sscc", "00"],
  ["gdti", "253"],
  ["ginc", "401"],
  ["gsin", "402"],
  ["grai", "8003"],
  ["giai", "8004"],
  ["cpv", "22"],
  ["lot", "10"],
  ["ser", "21"],
];
const REBASE_ORDER = [
  "00",
  "01",
  "253",
  "255",
  "401",
  "402",
  "414",
  "417",
  "8003",
  "8004",
  "8006",
  "8010",
  "8017",
  "8018",
];
/** A GS1 AI value character the reference accepts in the final URI (no '%'). */
const X = String.raw`[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]`;
const VALID = [
  String.raw`https:\/\/id.gs1.org\/00\/(\d{18})$`,
  String.raw`https:\/\/id.gs1.org\/01\/(\d{14})\/21\/(${X}{0,20})$`,
  String.raw`https:\/\/id.gs1.org\/01\/(\d{14})\/10\/(${X}{0,20})$`,
  String.raw`https:\/\/id.gs1.org\/01\/(\d{14})$`,
  String.raw`https:\/\/id.gs1.org\/01\/(\d{14})\/235\/(${X}{0,28})$`,
  String.raw`https:\/\/id.gs1.org\/253\/(\d{13})(${X}{0,17})$`,
  String.raw`https:\/\/id.gs1.org\/255\/(\d{13})(\d{0,12})$`,
  String.raw`https:\/\/id.gs1.org\/401\/(${X}{0,30})$`,
  String.raw`https:\/\/id.gs1.org\/402\/(\d{17})$`,
  String.raw`https:\/\/id.gs1.org\/414\/(\d{13})$`,
  String.raw`https:\/\/id.gs1.org\/414\/(\d{13})\/254\/(${X}{0,20})$`,
  String.raw`https:\/\/id.gs1.org\/417\/(\d{13})$`,
  String.raw`https:\/\/id.gs1.org\/8003\/(\d{14})(${X}{0,16})$`,
  String.raw`https:\/\/id.gs1.org\/8004\/(${X}{0,30})$`,
  String.raw`https:\/\/id.gs1.org\/8006\/(\d{18})\/21\/(${X}{0,20})$`,
  String.raw`https:\/\/id.gs1.org\/8006\/(\d{18})\/10\/(${X}{0,20})$`,
  String.raw`https:\/\/id.gs1.org\/8006\/(\d{18})$`,
  String.raw`https:\/\/id.gs1.org\/8010\/([\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30})\/8011/(\d{0,12})$`,
  String.raw`https:\/\/id.gs1.org\/8010\/([\x23\x2D\x2F\x30-\x39\x41-\x5A]{0,30})$`,
  String.raw`https:\/\/id.gs1.org\/8017\/(\d{18})$`,
  String.raw`https:\/\/id.gs1.org\/8018\/(\d{18})$`,
];

function normaliseDigitalLink(input: string): string | undefined {
  if (!match(DL, input)) return undefined;
  let uri = input.includes("?") ? input.slice(0, input.indexOf("?")) : input;
  for (const [name, ai] of SHORT_NAMES) uri = uri.replaceAll(`/${name}/`, `/${ai}/`);
  if (!match(CANONICAL, uri)) {
    for (const ai of REBASE_ORDER) {
      const at = uri.indexOf(`/${ai}/`);
      if (at !== -1) {
        uri = `https://id.gs1.org${uri.slice(at)}`;
        break;
      }
    }
  }
  if (!match(String.raw`https:\/\/id.gs1.org\/01\/\d{14}`, uri)) {
    if (match(String.raw`https:\/\/id.gs1.org\/01\/\d{13}`, uri)) uri = uri.replaceAll("/01/", "/01/0");
    else if (match(String.raw`https:\/\/id.gs1.org\/01\/\d{12}`, uri)) uri = uri.replaceAll("/01/", "/01/00");
    else if (match(String.raw`https:\/\/id.gs1.org\/01\/\d{8}`, uri)) uri = uri.replaceAll("/01/", "/01/000000");
  }
  uri = dropCpv(uri);
  const lotAndSerial = [
    String.raw`https:\/\/id.gs1.org\/8006\/\d{18}\/10\/(${X}{0,20})\/21\/(${X}{0,20})$`,
    String.raw`https:\/\/id.gs1.org\/01\/(\d{14})\/10\/(${X}{0,20})\/21\/(${X}{0,20})$`,
  ];
  if (lotAndSerial.some((p) => match(p, uri))) {
    const y = uri.slice(uri.indexOf("/10/") + 4);
    uri = uri.slice(0, uri.indexOf("/10/")) + y.slice(y.indexOf("/"));
  }
  return VALID.some((p) => match(p, uri)) ? uri : undefined;
}

/** The reference's removal of (22) CPV, reproduced with its index arithmetic. */
function dropCpv(uri: string): string {
  const x = uri.slice(uri.indexOf("/22/") + 4);
  const tail = (end: boolean) => {
    const slash = x.indexOf("/");
    const from = slash === -1 ? x.length - 1 : slash;
    return end ? x.slice(from, -1) : x.slice(from);
  };
  const only = [
    String.raw`https:\/\/id.gs1.org\/8006\/\d{18}\/22\/([\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]{0,20})$`,
    String.raw`https:\/\/id.gs1.org\/01\/\d{14}\/22\/([\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]{0,20})$`,
  ];
  let out = uri;
  if (only.some((p) => match(p, out))) out = out.slice(0, out.indexOf("/22/")) + tail(true);
  const followed = only.map((p) => p.replace(String.raw`[\x22`, String.raw`[\x2F\x22`));
  if (followed.some((p) => match(p, out))) out = out.slice(0, out.indexOf("/22/")) + tail(false);
  return out;
}

/** The constrained canonical Digital Link of an EPC or Digital Link URI, or undefined. */
export function normaliseToDigitalLink(uri: string): string | undefined {
  const partition = uri.indexOf(".");
  if (partition < 0) return undefined;
  for (const [pattern, convert] of EPC_CONVERSIONS) {
    if (match(pattern, uri)) return convert(uri, partition);
  }
  return normaliseDigitalLink(uri);
}
