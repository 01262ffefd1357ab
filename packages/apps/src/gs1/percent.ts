/**
 * Percent-encoding of AI values in GS1 Digital Link URIs (Digital Link URI
 * Syntax 1.2, section 4: characters of set 82 that are not RFC 3986
 * "unreserved" are percent-encoded). encodeURIComponent leaves ! ' ( ) *
 * alone, so they are encoded here too; letters, digits and - . _ stay as is.
 */
export function encodeDigitalLinkValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/** Decodes %XX escapes; undefined when the escapes are malformed. */
export function decodePercent(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
