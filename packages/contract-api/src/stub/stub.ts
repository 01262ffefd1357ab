import type { ContractHost, HostKeyValue } from "../host.ts";
import {
  createCompositeKey,
  partialCompositeKeyRange,
  type SplitCompositeKey,
  splitCompositeKey,
} from "./composite-key.ts";
import { historyIterator } from "./history.ts";
import { setHostOf } from "./host-of.ts";
import type {
  HistoryQueryIterator,
  KeyModification,
  KV,
  QueryPromise,
  StateQueryIterator,
  StateQueryResponse,
} from "./iterators.ts";
import { queryPromise } from "./iterators.ts";
import { simpleKeyRange, validateCollection } from "./keys.ts";
import * as privateData from "./private-data.ts";
import { privateDataByPartialCompositeKey, privateDataByRange, privateDataQueryResult } from "./private-queries.ts";
import { rangeIterator, rangePage } from "./range.ts";
import { richQuery, richQueryPage, scanOf } from "./rich-query.ts";
import * as state from "./state.ts";
import { type TxTimestamp, txTimestampOfMs } from "./timestamp.ts";
import { creatorOf, type SerializedIdentity, type SignedProposal, signedProposalOf, transientOf } from "./tx-info.ts";

/** Fabric's response codes. */
export const RESPONSE_CODE = { OK: 200, ERRORTHRESHOLD: 400, ERROR: 500 } as const;

type Page = StateQueryResponse<StateQueryIterator>;

/**
 * The chaincode stub (Fabric's `ChaincodeStub`): the contract's view of the
 * transaction and of the chain, on one `ContractHost`. Every call is
 * answered by the host synchronously; the methods are async (and query calls
 * return `for await`-able promises) to keep Fabric's signatures.
 */
export class ChaincodeStub {
  static RESPONSE_CODE = RESPONSE_CODE;

  readonly #host: ContractHost;
  readonly #args: string[];
  readonly #bufferArgs: Buffer[];
  readonly #creator: SerializedIdentity;
  readonly #transient: Map<string, Buffer>;

  /** A stub for one invocation on `host`. */
  constructor(host: ContractHost) {
    this.#host = host;
    this.#args = Array.from(host.args, String);
    this.#bufferArgs = this.#args.map((arg) => Buffer.from(arg, "utf8"));
    this.#creator = creatorOf(host);
    this.#transient = transientOf(host);
    setHostOf(this, host);
  }

  /** The function name followed by the arguments. */
  getArgs(): string[] {
    return this.#args;
  }

  /** Same as `getArgs`. */
  getStringArgs(): string[] {
    return this.#args;
  }

  /** The arguments as UTF-8 Buffers. */
  getBufferArgs(): Buffer[] {
    return this.#bufferArgs;
  }

  /** The first argument as `fcn` and the rest as `params`. */
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return this.#args.length >= 1 ? { fcn: this.#args[0], params: this.#args.slice(1) } : { fcn: "", params: [] };
  }

  /** The transaction id (lower-case hex). */
  getTxID(): string {
    return this.#host.txId;
  }

  /** The chain id, Fabric's channel id. */
  getChannelID(): string {
    return this.#host.channelId;
  }

  /** The signer: MSP id and certificate (PEM) bytes. */
  getCreator(): SerializedIdentity {
    return this.#creator;
  }

  /**
   * Fabric gives the MSP id of the endorsing peer. Every validator executes a
   * CityChain transaction, so no single peer's organisation is meaningful (or
   * deterministic); the signer's organisation is returned, which is what
   * Fabric's "client org must match peer org" checks compare it with.
   */
  getMspID(): string {
    return this.#host.creator.mspId;
  }

  /** Transient data of the transaction (never stored on chain). */
  getTransient(): Map<string, Buffer> {
    return this.#transient;
  }

  /** A proposal-shaped view of the transaction (see `SignedProposal`). */
  getSignedProposal(): SignedProposal {
    return signedProposalOf(this.#host, this.#creator, this.getTxTimestamp(), this.#transient);
  }

  /** The block time as `{nanos, seconds}`, `seconds` shaped like Fabric's `Long`. */
  getTxTimestamp(): TxTimestamp {
    return txTimestampOfMs(this.#host.timestampMs);
  }

  /** The block time as a Date. */
  getDateTimestamp(): Date {
    return new Date(this.#host.timestampMs);
  }

  /**
   * A value unique to this transaction. Fabric hashes the proposal's nonce,
   * creator and epoch; CityChain has no proposal nonce, and the transaction id
   * (a hash over the signed body, nonce included) plays that role.
   */
  getBinding(): string {
    return this.#host.txId;
  }

  /** The value of `key`; a zero-length Buffer when it has none. */
  async getState(key: string): Promise<Buffer> {
    return state.getState(this.#host, key);
  }

  /** Writes `value` under `key`; an empty value deletes the key (Fabric's rule). */
  async putState(key: string, value: Uint8Array | string): Promise<void> {
    state.putState(this.#host, key, value);
  }

  /** Deletes `key`. */
  async deleteState(key: string): Promise<void> {
    state.deleteState(this.#host, key);
  }

  /** Sets the key-level endorsement policy of `key` (see `KeyEndorsementPolicy`). */
  async setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    state.setValidationParameter(this.#host, "", key, ep);
  }

  /** The key-level endorsement policy of `key`, or undefined. */
  async getStateValidationParameter(key: string): Promise<Buffer | undefined> {
    return state.getValidationParameter(this.#host, "", key);
  }

  /**
   * Keys in `[startKey, endKey)` in key order; "" for no bound. An empty start
   * key starts after the composite key namespace, so only simple keys appear.
   */
  getStateByRange(startKey: string, endKey: string): QueryPromise<StateQueryIterator, KV> {
    return queryPromise(
      (async () => {
        const [start, end] = simpleKeyRange(startKey, endKey);
        return rangeIterator(this.#publicRange, start, end);
      })(),
    );
  }

  /** One page of `getStateByRange`; pass the previous page's bookmark to continue. */
  getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark?: string,
  ): QueryPromise<Page, KV> {
    return queryPromise(
      (async () => {
        const [start, end] = simpleKeyRange(startKey, endKey);
        return rangePage(this.#publicRange, start, end, pageSize, bookmark);
      })(),
    );
  }

  /** Composite keys that begin with `objectType` and `attributes`. */
  getStateByPartialCompositeKey(objectType: string, attributes: string[]): QueryPromise<StateQueryIterator, KV> {
    return queryPromise(
      (async () => {
        const [start, end] = partialCompositeKeyRange(objectType, attributes);
        return rangeIterator(this.#publicRange, start, end);
      })(),
    );
  }

  /** One page of `getStateByPartialCompositeKey`. */
  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ): QueryPromise<Page, KV> {
    return queryPromise(
      (async () => {
        const [start, end] = partialCompositeKeyRange(objectType, attributes);
        return rangePage(this.#publicRange, start, end, pageSize, bookmark);
      })(),
    );
  }

  /** A CouchDB (Mango) query over the contract's state: `{"selector": {...}, "sort": [...], ...}`. */
  getQueryResult(query: string): QueryPromise<StateQueryIterator, KV> {
    return queryPromise((async () => richQuery(scanOf(this.#publicRange), query))());
  }

  /** One page of `getQueryResult`. */
  getQueryResultWithPagination(query: string, pageSize: number, bookmark?: string): QueryPromise<Page, KV> {
    return queryPromise((async () => richQueryPage(scanOf(this.#publicRange), query, pageSize, bookmark))());
  }

  /** The past values of `key`, newest first. */
  getHistoryForKey(key: string): QueryPromise<HistoryQueryIterator, KeyModification> {
    return queryPromise((async () => historyIterator(this.#host, key))());
  }

  /** Calls another contract inside this transaction and returns its response. */
  async invokeChaincode(chaincodeName: string, args: Array<string | Uint8Array>, channel?: string) {
    return state.invokeChaincode(this.#host, chaincodeName, args, channel);
  }

  /** Sets the transaction's event. */
  setEvent(name: string, payload?: Uint8Array | string): void {
    state.setEvent(this.#host, name, payload);
  }

  /** Fabric's composite key of `objectType` and `attributes`. */
  createCompositeKey(objectType: string, attributes: string[]): string {
    return createCompositeKey(objectType, attributes);
  }

  /** The parts of a composite key. */
  splitCompositeKey(compositeKey: string): SplitCompositeKey {
    return splitCompositeKey(compositeKey);
  }

  /** The private value of `key` in `collection`; a zero-length Buffer when there is none. */
  async getPrivateData(collection: string, key: string): Promise<Buffer> {
    return privateData.getPrivateData(this.#host, collection, key);
  }

  /** The SHA-256 hash of a private value; zero-length when there is none. */
  async getPrivateDataHash(collection: string, key: string): Promise<Buffer> {
    return privateData.getPrivateDataHash(this.#host, collection, key);
  }

  /** Writes a private value. */
  async putPrivateData(collection: string, key: string, value: Uint8Array | string): Promise<void> {
    privateData.putPrivateData(this.#host, collection, key, value);
  }

  /** Deletes a private value. */
  async deletePrivateData(collection: string, key: string): Promise<void> {
    privateData.deletePrivateData(this.#host, collection, key);
  }

  /** Deletes a private value and its history from the private store. */
  async purgePrivateData(collection: string, key: string): Promise<void> {
    privateData.purgePrivateData(this.#host, collection, key);
  }

  /** Sets the key-level endorsement policy of a private key. */
  async setPrivateDataValidationParameter(collection: string, key: string, ep: Uint8Array): Promise<void> {
    validateCollection(collection);
    state.setValidationParameter(this.#host, collection, key, ep);
  }

  /** The key-level endorsement policy of a private key, or undefined. */
  async getPrivateDataValidationParameter(collection: string, key: string): Promise<Buffer | undefined> {
    validateCollection(collection);
    return state.getValidationParameter(this.#host, collection, key);
  }

  /** Private keys in `[startKey, endKey)` of `collection`. */
  getPrivateDataByRange(collection: string, startKey: string, endKey: string): QueryPromise<StateQueryIterator, KV> {
    return queryPromise((async () => privateDataByRange(this.#host, collection, startKey, endKey))());
  }

  /** Private composite keys of `collection` that begin with `objectType` and `attributes`. */
  getPrivateDataByPartialCompositeKey(
    collection: string,
    objectType: string,
    attributes: string[],
  ): QueryPromise<StateQueryIterator, KV> {
    return queryPromise(
      (async () => privateDataByPartialCompositeKey(this.#host, collection, objectType, attributes))(),
    );
  }

  /** A CouchDB (Mango) query over a private collection. */
  getPrivateDataQueryResult(collection: string, query: string): QueryPromise<StateQueryIterator, KV> {
    return queryPromise((async () => privateDataQueryResult(this.#host, collection, query))());
  }

  readonly #publicRange = (startKey: string, endKey: string, limit: number): HostKeyValue[] =>
    this.#host.getStateRange(startKey, endKey, limit);
}
