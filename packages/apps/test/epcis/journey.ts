import { type EpcisEvent, validateEpcisDocument } from "../../src/index.ts";
import { readVectors } from "../helpers.ts";

/** The hand-written journey of vectors/epcis/accept: events 0-10 in time order. */
export function journeyEvents(): EpcisEvent[] {
  return validateEpcisDocument(readVectors("epcis/accept/citychain-cold-chain-journey.json")).events;
}

export const ITEM_A = "urn:epc:id:sgtin:0614141.107346.1001";
export const ITEM_B = "urn:epc:id:sgtin:0614141.107346.1002";
export const CASE_C1 = "urn:epc:id:sscc:0614141.1000000001";
export const PALLET_P1 = "urn:epc:id:sscc:0614141.1000000009";
export const OUTPUT_Q = "urn:epc:id:sgtin:0614141.107346.9001";
