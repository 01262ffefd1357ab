import { ErrorCode } from "@citychain/protocol";
import { isUriLike } from "./cbv.ts";
import { isExtensionKey, type Namespaces } from "./context.ts";
import type { ProblemSink } from "./problems.ts";
import { parseDateTimeMs } from "./time.ts";

/** What field checkers share: where to report and which prefixes are declared. */
export interface CheckContext {
  sink: ProblemSink;
  namespaces: Namespaces;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A URI-valued field (EPC, location, identifier): an absolute URI or CURIE. */
export function checkUri(v: unknown, path: string, c: CheckContext): string | undefined {
  if (typeof v !== "string" || !isUriLike(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, `must be a URI, got ${JSON.stringify(v)}`);
    return undefined;
  }
  return v;
}

/** An array of URIs (epcList, childEPCs, ...). */
export function checkUriList(v: unknown, path: string, c: CheckContext): string[] | undefined {
  if (!Array.isArray(v)) {
    c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be an array of URIs");
    return undefined;
  }
  v.forEach((item, i) => {
    checkUri(item, `${path}[${i}]`, c);
  });
  return v as string[];
}

/** An xsd:dateTime with offset. */
export function checkDateTime(v: unknown, path: string, c: CheckContext): string | undefined {
  if (typeof v !== "string" || parseDateTimeMs(v) === undefined) {
    c.sink.add(
      path,
      ErrorCode.EPCIS_TIME_INVALID,
      `must be an xsd:dateTime with a time zone offset, got ${JSON.stringify(v)}`,
    );
    return undefined;
  }
  return v;
}

export function checkNumber(v: unknown, path: string, c: CheckContext): void {
  if (typeof v !== "number" || !Number.isFinite(v)) c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be a number");
}

export function checkString(v: unknown, path: string, c: CheckContext): void {
  if (typeof v !== "string") c.sink.add(path, ErrorCode.EPCIS_FIELD_INVALID, "must be a string");
}

/**
 * Reports every key of `obj` that is neither a standard field of its place
 * (`known`) nor a user extension with a declared namespace prefix.
 */
export function checkKeys(
  obj: Record<string, unknown>,
  known: ReadonlySet<string>,
  path: string,
  c: CheckContext,
): void {
  for (const key of Object.keys(obj)) {
    if (known.has(key) || isExtensionKey(key, c.namespaces)) continue;
    const at = path === "" ? key : `${path}.${key}`;
    c.sink.add(
      at,
      ErrorCode.EPCIS_FIELD_INVALID,
      "is not a standard field here; extension fields need a namespace prefix declared in @context",
    );
  }
}
