/**
 * CityChain's implementation of Hyperledger Fabric's chaincode API
 * (`fabric-contract-api` and `fabric-shim`), built on one `ContractHost`.
 * The sandbox maps the module names `fabric-contract-api` and `fabric-shim`
 * to `fabricContractApi` and `fabricShim`, and calls `dispatch` for each
 * invocation.
 */

import { Default } from "./annotations/default.ts";
import { Info } from "./annotations/info.ts";
import { objectDecorator, Property } from "./annotations/object.ts";
import { Param, Returns, Transaction } from "./annotations/transaction.ts";
import { Context } from "./contract/context.ts";
import { Contract } from "./contract/contract.ts";
import { JSONSerializer } from "./serializer/json-serializer.ts";
import { ChaincodeInterface } from "./shim/chaincode-interface.ts";
import { ClientIdentity } from "./shim/client-identity.ts";
import { KeyEndorsementPolicy } from "./shim/key-endorsement-policy.ts";
import { Shim } from "./shim/shim.ts";
import { HistoryQueryIterator, StateQueryIterator } from "./stub/iterators.ts";
import { ChaincodeStub } from "./stub/stub.ts";

export { Default } from "./annotations/default.ts";
export { Info } from "./annotations/info.ts";
export type { ClassDecoratorFn, PropertyDecoratorFn } from "./annotations/object.ts";
export { objectDecorator as Object, Property } from "./annotations/object.ts";
export type { ContractInfo, ObjectSchema } from "./annotations/registry.ts";
export type { TypeSchema } from "./annotations/schema.ts";
export type { MethodDecoratorFn } from "./annotations/transaction.ts";
export { Param, Returns, Transaction } from "./annotations/transaction.ts";
export type { ParameterDescriptor, TransactionDescriptor } from "./annotations/transactions.ts";
export type { ChaincodeInfo, ChaincodeMetadata, ContractMetadata } from "./chaincode/metadata.ts";
export type { ContextLogging } from "./contract/context.ts";
export { Context } from "./contract/context.ts";
export type { ContractClass } from "./contract/contract.ts";
export { Contract } from "./contract/contract.ts";
export type { ChaincodeModule, DispatchOptions } from "./dispatch.ts";
export { describeChaincode, dispatch } from "./dispatch.ts";
export { ContractApiError, ContractErrorCode } from "./errors.ts";
export type {
  ContractHost,
  DispatchResult,
  HostHistoryEntry,
  HostIdentity,
  HostInvokeResult,
  HostKeyValue,
} from "./host.ts";
export {
  HISTORY_QUERY_ENTRIES_MAX,
  QUERY_SCAN_BATCH_KEYS,
  QUERY_SCAN_KEYS_MAX,
  RANGE_QUERY_BATCH_KEYS,
  RANGE_QUERY_KEYS_MAX,
} from "./limits.ts";
export type { Logger } from "./logger.ts";
export { JSONSerializer } from "./serializer/json-serializer.ts";
export type { ChaincodeResponse, ShimChaincode } from "./shim/chaincode-interface.ts";
export { ChaincodeInterface } from "./shim/chaincode-interface.ts";
export { ClientIdentity } from "./shim/client-identity.ts";
export type { EncodedKeyEndorsementPolicy, EndorserRole } from "./shim/key-endorsement-policy.ts";
export { ENDORSER_ROLES, KeyEndorsementPolicy } from "./shim/key-endorsement-policy.ts";
export type { ErrorResponse, StartedChaincode, SuccessResponse } from "./shim/shim.ts";
export { clearStartedChaincode, Shim } from "./shim/shim.ts";
export type { SplitCompositeKey } from "./stub/composite-key.ts";
export type {
  HistoryTimestamp,
  KeyModification,
  KV,
  NextResult,
  QueryPromise,
  QueryResponseMetadata,
  StateQueryResponse,
} from "./stub/iterators.ts";
export { CommonIterator, HistoryQueryIterator, StateQueryIterator } from "./stub/iterators.ts";
export type { ChaincodeResponse as InvokeChaincodeResponse } from "./stub/state.ts";
export { ChaincodeStub, RESPONSE_CODE } from "./stub/stub.ts";
export type { TxTimestamp } from "./stub/timestamp.ts";
export { TimestampSeconds } from "./stub/timestamp.ts";
export type { SerializedIdentity, SignedProposal } from "./stub/tx-info.ts";

/** `Iterators` of `fabric-shim`. */
export const Iterators = { StateQueryIterator, HistoryQueryIterator };

/** What `require("fabric-contract-api")` gives: the names the real package exports at runtime. */
export const fabricContractApi = Object.freeze({
  Contract,
  Context,
  Transaction,
  Returns,
  Param,
  Object: objectDecorator,
  Property,
  Info,
  Default,
  JSONSerializer,
});

/**
 * What `require("fabric-shim")` gives: the names the real package exports at
 * runtime (it exports the `Shim` class, whose statics are the top-level
 * functions).
 */
export const fabricShim = Object.freeze({
  start: Shim.start,
  success: Shim.success,
  error: Shim.error,
  newLogger: Shim.newLogger,
  server: Shim.server,
  Shim,
  ClientIdentity,
  Stub: ChaincodeStub,
  ChaincodeStub,
  Iterators,
  HistoryQueryIterator,
  StateQueryIterator,
  ChaincodeInterface,
  KeyEndorsementPolicy,
});
