/**
 * GS1 element strings carried by a Digital Link URI or an EPC URI, keyed by
 * meaning rather than AI number. GTINs are always the 14-digit form.
 */
export interface Gs1Elements {
  /** (01) GTIN-14. */
  gtin?: string;
  /** (00) SSCC, 18 digits. */
  sscc?: string;
  /** (414) GLN of a physical location, 13 digits. */
  gln?: string;
  /** (254) GLN extension component. */
  glnExtension?: string;
  /** (10) batch or lot number. */
  lot?: string;
  /** (21) serial number. */
  serial?: string;
  /** (17) expiry date, YYMMDD as written (day 00 allowed). */
  expiry?: string;
  /** (11) production date, YYMMDD as written. */
  productionDate?: string;
}

/** The AI number of each element, in the order Digital Link writes them. */
export const ELEMENT_AI = {
  sscc: "00",
  gtin: "01",
  lot: "10",
  productionDate: "11",
  expiry: "17",
  serial: "21",
  glnExtension: "254",
  gln: "414",
} as const satisfies Record<keyof Gs1Elements, string>;
