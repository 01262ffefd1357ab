/**
 * The smart-city application contracts, written as Hyperledger Fabric
 * contract-API chaincode (no decorators: see shared/app-contract.ts), so
 * the node runs them through `dispatch()` like any user chaincode:
 *
 * - `Products`: RegisterItem, RegisterItems, RegisterBatch, Get, Resolve
 * - `Epcis`: Capture, KeepConfidential, ConfidentialEvent, Query, Trace
 * - `Recall`: RecallBatch
 * - `Devices`: Register, RotateKey, Revoke, Get
 * - `Telemetry`: Anchor, Get
 * - `ColdChain`: SetProfile, RecordReadings, Release, Destroy, Status
 * - `Verify`: Drug
 *
 * Functions are called as `Name:Fn` with string arguments. Deterministic
 * (block time and transaction id are the only clock and identity) and
 * bounded (limits.ts).
 */
import type { ContractClass } from "@citychain/contract-api";
import { ColdChain } from "./coldchain/coldchain-contract.ts";
import { Devices } from "./devices/devices-contract.ts";
import { Telemetry } from "./devices/telemetry-contract.ts";
import { Epcis } from "./epcis/epcis-contract.ts";
import { Products } from "./products/products-contract.ts";
import { Recall } from "./recall/recall-contract.ts";
import { Verify } from "./verify/verify-contract.ts";

export type { ColdChainStatus } from "./coldchain/coldchain-contract.ts";
export type { ReadingsAnswer } from "./coldchain/record-readings.ts";
export type { AlarmRecord, SeriesRecord } from "./coldchain/series.ts";
export type { AnchorBatch, RejectedCounts } from "./devices/anchor-input.ts";
export type { DeviceKeys } from "./devices/device-keys.ts";
export type { DeviceRecord } from "./devices/device-store.ts";
export type { DeviceKey, KeyAlgorithm } from "./devices/key-formats.ts";
export type { AnchorRecord } from "./devices/telemetry-contract.ts";
export type { CaptureAnswer } from "./epcis/capture.ts";
export {
  type AppCollection,
  confidentialCapture,
  confidentialCollectionOf,
  redactEvent,
  supplyChainCollections,
} from "./epcis/confidential.ts";
export { TRANSIENT_DOCUMENT } from "./epcis/document-input.ts";
export type { QueryAnswer } from "./epcis/query.ts";
export type { EventEpcs, EventSummary, StoredEvent } from "./epcis/stored-event.ts";
export type { TraceAnswer } from "./epcis/trace.ts";
export * from "./limits.ts";
export type { Description } from "./products/lookup.ts";
export type { BatchRecord, ItemRecord, ProductRecord, RecallInfo } from "./products/records.ts";
export type { ProvenanceStep, ResolveAnswer } from "./products/resolve.ts";
export type { UnitStatus } from "./products/status.ts";
export type { RecallAnswer, RecallNotice } from "./recall/recall-contract.ts";
export type { DrugVerification } from "./verify/verify-contract.ts";
export { ColdChain, Devices, Epcis, Products, Recall, Telemetry, Verify };

/** The contract classes, in routing order (`Products` is the default contract). */
export const contracts: ContractClass[] = [Products, Epcis, Recall, Devices, Telemetry, ColdChain, Verify];

/** The chaincode module the node passes to `dispatch(chaincode, host)`. */
export const supplyChainChaincode = { contracts };

/** The name every node runs these contracts under. */
export const SUPPLY_CHAIN_CONTRACT = "supplychain";
