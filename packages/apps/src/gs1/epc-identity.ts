/**
 * What an EPC identifies, independent of how it was written (EPC pure
 * identity URN, EPC class URN, or GS1 Digital Link URI). GTINs are 14 digits;
 * serial, lot and extension are the decoded characters.
 */
export type EpcIdentity =
  | { scheme: "sgtin"; gtin: string; serial: string }
  | { scheme: "lgtin"; gtin: string; lot: string }
  | { scheme: "gtin"; gtin: string }
  | { scheme: "sscc"; sscc: string }
  | { scheme: "sgln"; gln: string; extension?: string };
