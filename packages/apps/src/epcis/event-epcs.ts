import { epcCanonicalKey } from "../gs1/epc-key.ts";
import type { EpcisEvent } from "./types.ts";

/** The EPC lists of an event by role, as canonical keys (absent lists are empty). */
export interface EventEpcKeys {
  epcList: string[];
  childEPCs: string[];
  inputEPCList: string[];
  outputEPCList: string[];
  parentID: string[];
}

function keys(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((e): e is string => typeof e === "string").map(epcCanonicalKey) : [];
}

/** Canonical keys of every EPC an event names, grouped by field. */
export function eventEpcKeys(event: EpcisEvent): EventEpcKeys {
  const e = event as Record<string, unknown>;
  return {
    epcList: keys(e.epcList),
    childEPCs: keys(e.childEPCs),
    inputEPCList: keys(e.inputEPCList),
    outputEPCList: keys(e.outputEPCList),
    parentID: typeof e.parentID === "string" ? [epcCanonicalKey(e.parentID)] : [],
  };
}

/**
 * True when an item key matches a query key: equal, or the query names a
 * whole GTIN ("01/<gtin>", from urn:epc:idpat:sgtin:CP.IIR.* or a Digital
 * Link without serial) and the item is an instance or lot of that GTIN.
 */
export function epcKeyMatches(itemKey: string, queryKey: string): boolean {
  if (itemKey === queryKey) return true;
  return /^01\/\d{14}$/.test(queryKey) && itemKey.startsWith(`${queryKey}/`);
}
