import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { SUPPLY_CHAIN_CONTRACT, supplyChainChaincode, supplyChainCollections } from "@citychain/apps";
import { type LoadedIdentity, loadIdentity, signTx, VerifyPool } from "@citychain/crypto";
import { Ledger } from "@citychain/ledger";
import {
  addressOf,
  bytesEqual,
  bytesToBase64,
  bytesToHex,
  CityChainError,
  ErrorCode,
  encodeSignedTx,
  encodeTxBody,
  type Genesis,
  TX_BYTES_HARD_MAX,
  txIdOfBody,
  ZERO_HASH,
} from "@citychain/protocol";
import {
  CityChainApp,
  ContractSandbox,
  EVIDENCE_CONTRACT,
  MEMBERSHIP_CONTRACT,
  parseGenesis,
  REVOKED_PREFIX,
  stateKey,
} from "@citychain/runtime";
import type { FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { createApiServer } from "./api/server.ts";
import { BftProducer } from "./bft/bft-producer.ts";
import type { BlockProducer } from "./block-producer.ts";
import { CommitGate } from "./commit-gate.ts";
import { DATA_DIR, IDENTITY_DIR, type NodeConfig, readGenesisFile, readNodeConfig } from "./config.ts";
import { EventBus, type TxOutcome } from "./event-bus.ts";
import { Mempool } from "./mempool.ts";
import { NodeMetrics } from "./metrics.ts";
import { PeerNetwork } from "./peer-network.ts";
import { loadSealKey, PrivateDataExchange } from "./private-data.ts";
import { SoloProducer } from "./solo-producer.ts";

export const VERSION = "0.1.0";
/** At most this many transactions in one submit call. */
export const SUBMIT_BATCH_TXS_MAX = 5_000;

export interface StartOptions {
  home: string;
  /** Overrides config.json's API port (0 picks a free one). */
  apiPort?: number;
  logger?: Logger;
  verifyThreads?: number;
  /** Overrides config.json's p2p port (0 picks a free one). */
  p2pPort?: number;
  /** Runs without peers even if config.json has a p2p section (tests, offline tools). */
  noP2P?: boolean;
}

export interface SubmitOutcome {
  /** Transaction id (hex), when the bytes decoded far enough to have one. */
  id?: string;
  accepted: boolean;
  code: string;
  message: string;
}

/** A running CityChain node: ledger, application, mempool, block producer, API. */
export class CityChainNode {
  readonly events = new EventBus();
  /** One commit at a time, whichever path (consensus, sync) brings the block. */
  readonly gate = new CommitGate();
  readonly metrics = new NodeMetrics();
  readonly startedAtMs = Date.now();
  api!: FastifyInstance;
  apiUrl = "";
  private producer: BlockProducer | undefined;
  /** Peers, gossip and block sync; absent when config.json has no p2p section. */
  network: PeerNetwork | undefined;
  private stopped = false;

  private constructor(
    readonly home: string,
    readonly config: NodeConfig,
    readonly genesis: Genesis,
    readonly identity: LoadedIdentity,
    readonly ledger: Ledger,
    readonly pool: VerifyPool,
    readonly app: CityChainApp,
    readonly mempool: Mempool,
    readonly logger: Logger,
    /** Private data collections: endorsement, the push to member nodes, pulls of missed values. */
    readonly privateData: PrivateDataExchange,
  ) {}

  static async start(opts: StartOptions): Promise<CityChainNode> {
    const config = readNodeConfig(opts.home);
    const logger = opts.logger ?? pino({ level: config.logLevel, base: { node: config.name } });
    const genesis = parseGenesis(readGenesisFile(opts.home));
    const identity = await loadIdentity(join(opts.home, IDENTITY_DIR));
    const ledger = Ledger.open(join(opts.home, DATA_DIR));
    const pool = VerifyPool.create({ threads: opts.verifyThreads });
    const privateData = new PrivateDataExchange(identity, logger.child({ component: "private-data" }));
    let app: CityChainApp;
    try {
      app = await CityChainApp.open({
        privateData: {
          orgId: identity.orgId,
          sealKey: loadSealKey(opts.home),
          valuesOf: privateData.valuesOf,
          onMissing: privateData.onMissing,
        },
        genesis,
        ledger,
        verifyPool: pool,
        loadContract: (bundle) => ContractSandbox.load(bundle),
        // The smart-city applications: contract-API chaincode compiled into the node.
        nativeChaincodes: [
          { name: SUPPLY_CHAIN_CONTRACT, chaincode: supplyChainChaincode, collections: supplyChainCollections },
        ],
        log: (contract, level, message) => logger[level]({ contract }, message),
      });
    } catch (e) {
      await pool.close();
      await ledger.close();
      throw e;
    }
    const mempool = new Mempool(genesis.params.mempoolTxsMax);
    const node = new CityChainNode(
      opts.home,
      config,
      genesis,
      identity,
      ledger,
      pool,
      app,
      mempool,
      logger,
      privateData,
    );
    node.metrics.height.set(app.info().height);
    // Blocks arriving by sync (or made here) leave the mempool.
    node.events.onBlock((b) => {
      for (const id of b.execution.txIds) mempool.remove(bytesToHex(id));
      for (const tx of mempool.evictExpired(b.block.header.height + 1)) {
        node.events.publishRejected(
          tx.idHex,
          ErrorCode.TX_EXPIRED,
          `expired at height ${tx.body.expiresAt} before a block included it`,
        );
      }
      node.metrics.mempoolSize.set(mempool.size);
    });
    if (config.p2p && !opts.noP2P) {
      node.network = new PeerNetwork({
        chainId: genesis.chainId,
        identity,
        verifier: app.membership,
        isRevoked: (fp) => ledger.getState(stateKey(MEMBERSHIP_CONTRACT, REVOKED_PREFIX + fp)) !== undefined,
        host: config.p2p.host,
        port: opts.p2pPort ?? config.p2p.port,
        peers: config.p2p.peers,
        app,
        ledger,
        events: node.events,
        logger,
        // The application checks the limit in force; this only bounds decoding.
        txBytesMax: TX_BYTES_HARD_MAX,
        admitTxs: async (txs) => (await node.submit(txs, { fromPeer: true })).map((o) => o.accepted),
        gate: node.gate,
        pendingTxs: (countMax) => mempool.peek(countMax, Number.MAX_SAFE_INTEGER).map((t) => t.bytes),
      });
      await node.network.start();
    }
    privateData.attach(app, node.network?.p2p);
    node.startProducer();
    node.api = await createApiServer(node);
    const address = await node.api.listen({ host: config.api.host, port: opts.apiPort ?? config.api.port });
    node.apiUrl = address.replace("[::1]", "127.0.0.1");
    logger.info(
      { chainId: genesis.chainId, height: app.info().height, api: node.apiUrl, producer: config.producer },
      "node started",
    );
    return node;
  }

  /** The validator entry for this node's key, if it is a validator. */
  get validatorAddress(): Uint8Array | undefined {
    const address = addressOf(this.identity.keyPair.publicKey);
    return this.app.validators.find((v) => bytesEqual(v.address, address))?.address;
  }

  private startProducer(): void {
    if (this.config.producer === "bft") {
      if (!this.network) {
        throw new CityChainError(
          { code: ErrorCode.CONFIG_INVALID },
          "a BFT validator needs p2p; it was started without it",
        );
      }
      const address = addressOf(this.identity.keyPair.publicKey);
      if (!this.validatorAddress) {
        this.logger.warn(
          "this node's key is not in the current validator set: it follows consensus, and votes from the height a set that holds it takes over",
        );
      }
      this.producer = new BftProducer({
        chainId: this.genesis.chainId,
        app: this.app,
        mempool: this.mempool,
        events: this.events,
        logger: this.logger.child({ component: "consensus" }),
        p2p: this.network.p2p,
        gate: this.gate,
        validators: this.app.schedule,
        params: this.genesis.params,
        blockLimits: () => this.app.chainParams(),
        key: this.identity.keyPair,
        address,
        dataDir: join(this.home, DATA_DIR),
        submitEvidence: (evidence) => void this.submitEvidence(evidence),
      });
      this.producer.start();
      return;
    }
    if (this.config.producer !== "solo") return;
    const address = this.validatorAddress;
    if (!address) {
      this.logger.warn("this node's key is not in the validator set: it serves the chain but makes no blocks");
      return;
    }
    const total = this.app.validators.reduce((s, v) => s + v.power, 0);
    const own = this.app.validators.find((v) => bytesEqual(v.address, address))?.power ?? 0;
    if (own * 3 <= total * 2) {
      throw new CityChainError(
        { code: ErrorCode.CONFIG_INVALID },
        `solo mode needs one validator with more than 2/3 of the voting power; this node has ${own} of ${total}. Create the network with one validator`,
      );
    }
    const p = this.genesis.params;
    this.producer = new SoloProducer({
      app: this.app,
      mempool: this.mempool,
      events: this.events,
      metrics: this.metrics,
      logger: this.logger,
      key: this.identity.keyPair,
      address,
      blockIntervalMs: p.blockIntervalMs,
      emptyBlockIntervalMs: p.emptyBlockIntervalMs,
      blockLimits: () => this.app.chainParams(),
    });
    this.producer.start();
  }

  /**
   * Submits detected equivocation to the evidence contract, signed by this
   * node's identity; the transaction is gossiped like any other, and the
   * contract keeps one record per offence.
   */
  private async submitEvidence(evidence: Uint8Array): Promise<void> {
    const nonce = new Uint8Array(randomBytes(16));
    const body = encodeTxBody({
      chainId: this.genesis.chainId,
      contract: EVIDENCE_CONTRACT,
      fn: "submit",
      args: [bytesToBase64(evidence)],
      nonce,
      expiresAt: this.app.info().height + 100,
    });
    const id = txIdOfBody(body);
    const [outcome] = await this.submit([encodeSignedTx({ body, sigs: [signTx(this.identity, id)] })]);
    this.logger.info({ code: outcome?.code, id: outcome?.id }, "evidence submitted");
  }

  /** Admits transactions to the mempool; one outcome per input, in order. */
  async submit(txs: Uint8Array[], opts: { fromPeer?: boolean } = {}): Promise<SubmitOutcome[]> {
    if (txs.length > SUBMIT_BATCH_TXS_MAX) {
      throw new CityChainError(
        { code: ErrorCode.BATCH_TOO_LARGE },
        `at most ${SUBMIT_BATCH_TXS_MAX} transactions per submit; split the batch`,
      );
    }
    const checked = await this.app.checkTxs(txs, { timeMs: Date.now() });
    const outcomes = checked.map((c): SubmitOutcome => {
      if (!c.ok) {
        this.metrics.txsRejected.inc({ code: c.code });
        return { accepted: false, code: c.code, message: c.message };
      }
      const id = c.tx.idHex;
      try {
        this.mempool.add(c.tx);
        // Gossiped transactions are forwarded by the gossip layer itself (not back to their sender).
        if (!opts.fromPeer) this.network?.gossipTx(c.tx.bytes, c.tx.idHex);
        return { id, accepted: true, code: "ACCEPTED", message: "waiting in the mempool for the next block" };
      } catch (e) {
        const err = e as CityChainError;
        this.metrics.txsRejected.inc({ code: err.code });
        return { id, accepted: false, code: err.code, message: err.message };
      }
    });
    this.metrics.mempoolSize.set(this.mempool.size);
    if (outcomes.some((o) => o.accepted)) this.producer?.notifyTxs();
    return outcomes;
  }

  /**
   * Submits and waits until each accepted transaction commits (or is dropped),
   * at most timeoutMs. A transaction still pending then is reported with
   * TX_COMMIT_TIMEOUT; it may still commit later.
   */
  async submitAndWait(txs: Uint8Array[], timeoutMs: number): Promise<(SubmitOutcome | TxOutcome)[]> {
    const checked = await this.submit(txs);
    const waitIds = checked.flatMap((o) => (o.accepted && o.id ? [o.id] : []));
    const pending = this.events.waitForTxs(waitIds, timeoutMs);
    // Some may have committed before the waiters were registered: settle those from the ledger.
    for (const id of waitIds) {
      if (this.mempool.has(id)) continue;
      const known = this.committedOutcome(id);
      if (known) this.events.settleKnown(known);
    }
    const waited = await pending;
    let k = 0;
    return checked.map((o) => {
      if (!o.accepted || !o.id) return o;
      return (
        waited[k++] ?? {
          idHex: o.id,
          code: ErrorCode.TX_COMMIT_TIMEOUT,
          message: `not committed within ${timeoutMs} ms; it may still commit: look it up by id`,
        }
      );
    });
  }

  private committedOutcome(idHex: string): TxOutcome | undefined {
    const loc = this.ledger.getTxLocation(Buffer.from(idHex, "hex"));
    if (!loc) return undefined;
    const r = this.ledger.getResult(loc.height, loc.index);
    return {
      idHex,
      height: loc.height,
      index: loc.index,
      code: loc.code,
      message: r?.message ?? "",
      returnValue: r?.returnValue,
    };
  }

  /** Waits for a transaction known to the mempool or ledger. */
  async waitForTx(idHex: string, timeoutMs: number): Promise<TxOutcome | undefined> {
    const pending = this.events.waitForTx(idHex, timeoutMs);
    // It may have committed before the waiter was registered.
    const loc = this.ledger.getTxLocation(Buffer.from(idHex, "hex"));
    if (loc) {
      const r = this.ledger.getResult(loc.height, loc.index);
      return {
        idHex,
        height: loc.height,
        index: loc.index,
        code: loc.code,
        message: r?.message ?? "",
        returnValue: r?.returnValue,
      };
    }
    return pending;
  }

  status(): NodeStatus {
    const info = this.app.info();
    return {
      nodeName: this.config.name,
      pid: process.pid,
      orgId: this.config.orgId,
      version: VERSION,
      chainId: info.chainId,
      mode: this.genesis.mode,
      // Durable facts only: the application's tip may be a block still being written.
      height: Math.max(0, this.ledger.latestHeight()),
      latestBlockHash: bytesToHex(this.ledger.latestBlockHash() ?? ZERO_HASH),
      latestBlockTimeMs: this.ledger.latestTimeMs() ?? this.genesis.genesisTimeMs,
      appHash: bytesToHex(this.ledger.appHash()),
      validators: info.validators.map((v) => ({
        name: v.name,
        orgId: v.orgId,
        address: bytesToHex(v.address),
        alg: v.alg,
        publicKey: bytesToHex(v.publicKey),
        power: v.power,
      })),
      isValidator: this.validatorAddress !== undefined,
      producer: this.config.producer,
      peers: (this.network?.p2p.peers() ?? []).map((p) => ({ name: p.name, orgId: p.orgId, address: p.address })),
      mempoolTxs: this.mempool.size,
      uptimeMs: Date.now() - this.startedAtMs,
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.producer?.stop();
    this.privateData.close();
    await this.network?.stop();
    await this.api?.close();
    await this.pool.close();
    await this.ledger.close();
    this.logger.info("node stopped");
  }
}

export interface NodeStatus {
  nodeName: string;
  /** OS process id (for local benchmarks reading /proc). */
  pid: number;
  orgId: string;
  version: string;
  chainId: string;
  mode: string;
  height: number;
  latestBlockHash: string;
  latestBlockTimeMs: number;
  appHash: string;
  validators: { name: string; orgId: string; address: string; alg: string; publicKey: string; power: number }[];
  isValidator: boolean;
  producer: string;
  peers: { name: string; orgId: string; address: string }[];
  mempoolTxs: number;
  uptimeMs: number;
}
