import type { CertSigner } from "@citychain/crypto";
import { base64ToBytes, bytesToBase64, CityChainError, ErrorCode, type TxProof } from "@citychain/protocol";
import type { BlockInfo, NodeStatus, SubmitResult, TxInfo } from "./api-types.ts";
import { buildSignedTx } from "./build-tx.ts";
import { HttpTransport } from "./http.ts";
import { combineEndorsements, type EndorseResponse, type TransientMap, transientToJson } from "./private-data.ts";
import { decodeTxProof } from "./proof-codec.ts";
import { type SubscribeOptions, type Subscription, subscribeStream } from "./subscribe.ts";

/** Heights after the current one that a transaction built by submitTransaction stays valid. */
export const TX_EXPIRY_HEIGHTS_DEFAULT = 100;
/** How long submitTransaction asks the node to wait for commit. */
export const SUBMIT_WAIT_MS_DEFAULT = 30_000;

export interface ClientOptions {
  /** Node API base URL, e.g. http://127.0.0.1:7051. */
  url: string;
  /** Signs transactions and API requests (needed for reads in alliance and private mode). */
  identity?: CertSigner;
  /** Default: asked from the node's status once. */
  chainId?: string;
}

export interface CommittedTx {
  id: string;
  height: number;
  index: number;
  returnValue: Uint8Array;
  /** The return value as text, when it is printable UTF-8. */
  returnText?: string;
}

export interface SubmitRawOptions {
  /** Wait until each transaction commits (or is dropped). */
  wait?: boolean;
  timeoutMs?: number;
}

function committedOf(
  id: string,
  r: { height?: number; index?: number; returnValue?: string; returnText?: string },
): CommittedTx {
  return {
    id,
    height: r.height ?? 0,
    index: r.index ?? 0,
    returnValue: base64ToBytes(r.returnValue ?? ""),
    returnText: r.returnText,
  };
}

/**
 * A client of one CityChain node, in the spirit of Fabric's Gateway:
 * submit (order and commit) and evaluate (read) contract functions, read
 * blocks and transactions, fetch proofs and stream events.
 */
export class CityChainClient {
  private readonly http: HttpTransport;
  private chainId: string | undefined;

  constructor(private readonly opts: ClientOptions) {
    this.http = new HttpTransport(opts.url, opts.identity);
    this.chainId = opts.chainId;
  }

  get url(): string {
    return this.http.baseUrl;
  }

  status(): Promise<NodeStatus> {
    return this.http.json<NodeStatus>({ method: "GET", path: "/v1/status" });
  }

  /**
   * Builds, signs and submits a transaction, and waits for its block.
   * Returns where it landed and what it returned; throws CityChainError with
   * the node's code when it is rejected or its result is not OK.
   */
  async submitTransaction(contract: string, fn: string, ...args: string[]): Promise<CommittedTx> {
    return this.submit({ contract, fn, args });
  }

  /**
   * As submitTransaction, with co-signers: the client's identity signs first,
   * then each co-signer (for rules that need several parties, such as a
   * majority of organisations' admins).
   */
  async submit(req: { contract: string; fn: string; args?: string[]; cosigners?: CertSigner[] }): Promise<CommittedTx> {
    const built = await this.build(req);
    const res = await this.http.json<{ results: SubmitResult[] }>({
      method: "POST",
      path: `/v1/txs?wait=true&timeoutMs=${SUBMIT_WAIT_MS_DEFAULT}`,
      json: { tx: bytesToBase64(built.bytes) },
    });
    const r = res.results[0];
    if (r.code !== "OK" || r.height === undefined || r.index === undefined) {
      throw new CityChainError(
        { code: r.code, txId: built.id },
        r.message || `transaction ${built.id} ended with ${r.code}`,
      );
    }
    return committedOf(built.id, r);
  }

  private async build(req: { contract: string; fn: string; args?: string[]; cosigners?: CertSigner[] }) {
    const identity = this.requireIdentity("submit transactions");
    const status = await this.status();
    this.chainId ??= status.chainId;
    return buildSignedTx(
      {
        chainId: this.chainId,
        contract: req.contract,
        fn: req.fn,
        args: req.args ?? [],
        expiresAt: status.height + TX_EXPIRY_HEIGHTS_DEFAULT,
      },
      [identity, ...(req.cosigners ?? [])],
    );
  }

  /**
   * Submits a transaction of a contract with private data collections
   * (Fabric's submit with transient data): this client's node, a member of
   * the collections, simulates it with the transient data, which never goes
   * into a block; the private values go only to the collections' member
   * nodes, their hashes on chain. `endorsers` are more member nodes' API
   * URLs whose endorsements the contract's policy needs; their read-write
   * sets must agree. Waits for the block, as submit.
   */
  async submitPrivate(req: {
    contract: string;
    fn: string;
    args?: string[];
    transient?: TransientMap;
    cosigners?: CertSigner[];
    endorsers?: string[];
  }): Promise<CommittedTx> {
    const built = await this.build(req);
    const transient = transientToJson(req.transient);
    const tx = bytesToBase64(built.bytes);
    let r: EndorseResponse["result"];
    if (!req.endorsers || req.endorsers.length === 0) {
      r = (
        await this.http.json<EndorseResponse>({
          method: "POST",
          path: "/v1/txs/endorse",
          json: { tx, transient, submit: true, timeoutMs: SUBMIT_WAIT_MS_DEFAULT },
        })
      ).result;
    } else {
      const nodes = [this.http, ...req.endorsers.map((url) => new HttpTransport(url, this.opts.identity))];
      const responses = await Promise.all(
        nodes.map((h) =>
          h.json<EndorseResponse>({ method: "POST", path: "/v1/txs/endorse", json: { tx, transient, submit: false } }),
        ),
      );
      r = (await this.submitRaw([combineEndorsements(built.bytes, responses)], { wait: true }))[0];
    }
    if (r?.code !== "OK" || r.height === undefined || r.index === undefined) {
      throw new CityChainError(
        { code: r?.code ?? ErrorCode.INTERNAL, txId: built.id },
        r?.message || `transaction ${built.id} ended with ${r?.code}`,
      );
    }
    return committedOf(built.id, r);
  }

  /** Calls a contract function against committed state with transient data (private collections); nothing is written. */
  async evaluate(req: {
    contract: string;
    fn: string;
    args?: string[];
    transient?: TransientMap;
  }): Promise<Uint8Array> {
    const res = await this.http.json<{ result: string }>({
      method: "POST",
      path: "/v1/query",
      json: { contract: req.contract, fn: req.fn, args: req.args ?? [], transient: transientToJson(req.transient) },
    });
    return base64ToBytes(res.result);
  }

  /** The SHA-256 (hex) of a private value as committed, or undefined when the key has none. */
  async privateDataHash(contract: string, collection: string, key: string): Promise<string | undefined> {
    try {
      const res = await this.http.json<{ hash: string }>({
        method: "GET",
        path: `/v1/contracts/${encodeURIComponent(contract)}/collections/${encodeURIComponent(collection)}/hash?key=${encodeURIComponent(key)}`,
      });
      return res.hash;
    } catch (e) {
      if ((e as { code?: string }).code === ErrorCode.NOT_FOUND) return undefined;
      throw e;
    }
  }

  /**
   * Submits already signed transactions as one batch; one result per
   * transaction, rejected ones with their code (this never throws for a
   * rejected transaction, only when the request as a whole fails).
   */
  async submitRaw(txs: Uint8Array[], opts: SubmitRawOptions = {}): Promise<SubmitResult[]> {
    const query = opts.wait ? `?wait=true&timeoutMs=${opts.timeoutMs ?? SUBMIT_WAIT_MS_DEFAULT}` : "";
    const res = await this.http.json<{ results: SubmitResult[] }>({
      method: "POST",
      path: `/v1/txs${query}`,
      json: { txs: txs.map(bytesToBase64) },
    });
    return res.results;
  }

  /**
   * The validator-set changes the chain decided, each as the proof of its
   * transaction, oldest first; pass them to `followValidatorSets` to check
   * headers signed by later sets.
   */
  async validatorSetChanges(): Promise<TxProof[]> {
    const res = await this.http.json<{ changes: { proofCbor: string }[] }>({
      method: "GET",
      path: "/v1/validator-sets",
    });
    return res.changes.map((c) => decodeTxProof(base64ToBytes(c.proofCbor)));
  }

  /** Calls a contract function against committed state; nothing is written. */
  async evaluateTransaction(contract: string, fn: string, ...args: string[]): Promise<Uint8Array> {
    const res = await this.http.json<{ result: string }>({
      method: "POST",
      path: "/v1/query",
      json: { contract, fn, args },
    });
    return base64ToBytes(res.result);
  }

  /** A block by height, hash (hex) or "latest". */
  getBlock(heightOrHash: number | string): Promise<BlockInfo> {
    return this.http.json<BlockInfo>({ method: "GET", path: `/v1/blocks/${encodeURIComponent(String(heightOrHash))}` });
  }

  /** The stored block bytes (canonical CBOR). */
  async getBlockBytes(heightOrHash: number | string): Promise<Uint8Array> {
    const res = await this.http.send({
      method: "GET",
      path: `/v1/blocks/${encodeURIComponent(String(heightOrHash))}?format=cbor`,
    });
    return new Uint8Array(await res.arrayBuffer());
  }

  getTx(id: string): Promise<TxInfo> {
    return this.http.json<TxInfo>({ method: "GET", path: `/v1/txs/${encodeURIComponent(id)}` });
  }

  /** The transaction's proof, decoded from the node's canonical CBOR; check it with verifyTxProof. */
  async getProof(id: string): Promise<TxProof> {
    const info = await this.getTx(id);
    return decodeTxProof(base64ToBytes(info.proofCbor));
  }

  /** Streams committed blocks and events from fromHeight on, then live ones. */
  subscribe(opts: SubscribeOptions): Subscription {
    return subscribeStream(this.http.baseUrl, this.opts.identity, opts);
  }

  private requireIdentity(action: string): CertSigner {
    if (!this.opts.identity) {
      throw new CityChainError(
        { code: ErrorCode.AUTH_REQUIRED },
        `an identity is needed to ${action}: pass one (loadIdentity(dir)) to new CityChainClient`,
      );
    }
    return this.opts.identity;
  }
}
