/**
 * @citychain/apps: the standards core of CityChain's supply-chain, drug
 * cold-chain and IoT applications. Pure and deterministic (no I/O, no clock,
 * no randomness): contracts and API endpoints build on it.
 *
 * - gs1/: GS1 keys and check digits, application identifiers, dates, GS1
 *   Digital Link URIs, EPC URNs (TDS) and one canonical key per identified
 *   thing.
 * - epcis/: EPCIS 2.0 JSON-LD documents (validation with located problems),
 *   the CBV 2.0 Event Hash ID, in-memory queries and traces.
 * - coldchain/: temperature excursions, WHO PQS presets, mean kinetic
 *   temperature, incremental evaluation.
 */
export * from "./coldchain/condition.ts";
export * from "./coldchain/evaluate.ts";
export * from "./coldchain/mkt.ts";
export * from "./coldchain/policy.ts";
export * from "./coldchain/presets.ts";
export type * from "./coldchain/state.ts";
export type * from "./coldchain/types.ts";
export {
  confidentialCapture,
  confidentialCollectionOf,
  contracts as supplyChainContracts,
  redactEvent,
  SUPPLY_CHAIN_CONTRACT,
  supplyChainChaincode,
  supplyChainCollections,
  TRANSIENT_DOCUMENT,
} from "./contracts/index.ts";
export * from "./epcis/cbv.ts";
export * from "./epcis/cbv-vocabulary.ts";
export * from "./epcis/context.ts";
export * from "./epcis/event-epcs.ts";
export * from "./epcis/hash/event-hash.ts";
export * from "./epcis/order.ts";
export * from "./epcis/problems.ts";
export * from "./epcis/query.ts";
export * from "./epcis/time.ts";
export * from "./epcis/trace.ts";
export type * from "./epcis/types.ts";
export * from "./epcis/validate-document.ts";
export * from "./gs1/ai.ts";
export * from "./gs1/charset.ts";
export * from "./gs1/check-digit.ts";
export * from "./gs1/dates.ts";
export * from "./gs1/digital-link.ts";
export * from "./gs1/elements.ts";
export type * from "./gs1/epc-identity.ts";
export * from "./gs1/epc-key.ts";
export * from "./gs1/epc-uri.ts";
export * from "./gs1/gs1-error.ts";
export * from "./gs1/percent.ts";
