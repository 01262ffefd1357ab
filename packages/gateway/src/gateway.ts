import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { LoadedIdentity } from "@citychain/crypto";
import { bytesToUtf8, CityChainError, ErrorCode } from "@citychain/protocol";
import { CityChainClient, SUPPLY_CHAIN_CONTRACT } from "@citychain/sdk";
import type { FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { Anchorer } from "./anchorer.ts";
import { ChainDeviceDirectory, chainUnavailable } from "./chain-directory.ts";
import { deviceEntryOf } from "./device-entry.ts";
import { DeviceChangeWatcher } from "./device-watcher.ts";
import { type BatchHasher, createBatchHasher } from "./hash-pool.ts";
import { checkBatchReadingsMax, ReadingIntake } from "./intake.ts";
import { ANCHOR_INTERVAL_MS_DEFAULT, BATCH_READINGS_DEFAULT, DEVICE_CACHE_TTL_MS_DEFAULT } from "./limits.ts";
import { ProofService } from "./proof-service.ts";
import { createGatewayServer } from "./server.ts";
import { createSignatureChecker, type SignatureChecker } from "./signature-checker.ts";
import { GatewayStore } from "./store.ts";

/** Sub-directory of the gateway's home holding its LMDB store. */
export const GATEWAY_STORE_DIR = "gateway-store";

/** Roles the Telemetry contract lets anchor (a member may not). */
const ANCHOR_ROLES = ["admin", "node", "device"];

export interface GatewayOptions {
  /** The gateway's home directory (its store lives in GATEWAY_STORE_DIR under it). */
  home: string;
  /** API URL of a node of the chain. */
  apiUrl: string;
  /** Signs anchors and chain reads: an identity of the operator organisation with role device (or node, admin). */
  identity: LoadedIdentity;
  /** The gateway's device id, registered on chain by its organisation (Devices:Register). */
  gatewayId: string;
  /** Seal and anchor the open batch this often; 0 anchors only full batches (and on anchorNow). Default 2,000. */
  anchorIntervalMs?: number;
  /** Readings per batch; default BATCH_READINGS_DEFAULT. */
  batchReadingsMax?: number;
  /**
   * Worker threads that verify signatures (the crypto package's pool) and,
   * as many again, that hash device batches; 0 does both on the main
   * thread. Default: the machine's cores.
   */
  verifyThreads?: number;
  /** Longest a device record is used without a stream event refreshing it. Default 60 s. */
  deviceCacheTtlMs?: number;
  logger?: Logger;
}

/** Checks that the gateway is a registered, active device of the identity's organisation. */
async function checkRegistration(client: CityChainClient, gatewayId: string, orgId: string): Promise<void> {
  let record: unknown;
  try {
    record = JSON.parse(bytesToUtf8(await client.evaluateTransaction(SUPPLY_CHAIN_CONTRACT, "Devices:Get", gatewayId)));
  } catch (e) {
    if (e instanceof CityChainError && e.code === ErrorCode.DEVICE_UNKNOWN) {
      throw new CityChainError(
        { code: ErrorCode.GATEWAY_NOT_REGISTERED },
        `gateway ${gatewayId} is not a registered device: an admin of ${orgId} registers it first (supplychain Devices:Register ${gatewayId} <its public key PEM>)`,
      );
    }
    throw chainUnavailable(`reading gateway ${gatewayId} from the chain`, e);
  }
  const entry = deviceEntryOf(record, ErrorCode.GATEWAY_CHAIN_UNAVAILABLE);
  if (entry.status !== "active")
    throw new CityChainError({ code: ErrorCode.GATEWAY_NOT_REGISTERED }, `gateway ${gatewayId} is revoked on chain`);
  if (entry.operator !== orgId) {
    throw new CityChainError(
      { code: ErrorCode.GATEWAY_NOT_REGISTERED },
      `gateway ${gatewayId} is operated by ${entry.operator}; run it with an identity of ${entry.operator}, not of ${orgId}`,
    );
  }
}

/**
 * One IoT gateway: takes signed readings over HTTP, verifies them against
 * the device keys registered on chain, batches the accepted ones and anchors
 * each batch's Merkle root with Telemetry:Anchor, and serves every reading's
 * proof. Its state survives restarts (the store): a replayed seq stays
 * refused, a batch sealed before a crash is anchored after it.
 */
export class Gateway {
  private server: FastifyInstance | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedMs = Date.now();

  private constructor(
    readonly gatewayId: string,
    readonly logger: Logger,
    readonly client: CityChainClient,
    readonly store: GatewayStore,
    readonly directory: ChainDeviceDirectory,
    readonly watcher: DeviceChangeWatcher,
    readonly checker: SignatureChecker,
    readonly hasher: BatchHasher,
    readonly anchorer: Anchorer,
    readonly intake: ReadingIntake,
    readonly proofs: ProofService,
  ) {}

  /** Checks the gateway's registration, opens its store, follows the chain and starts the anchoring timer. */
  static async start(opts: GatewayOptions): Promise<Gateway> {
    const logger = opts.logger ?? pino({ level: "info" });
    const { identity, gatewayId } = opts;
    if (!ANCHOR_ROLES.includes(identity.role)) {
      throw new CityChainError(
        { code: ErrorCode.CERT_ROLE_FORBIDDEN },
        `identity ${identity.dir} has role ${identity.role}; the Telemetry contract takes anchors from ${ANCHOR_ROLES.join(", ")}: give the gateway a device certificate of ${identity.orgId}`,
      );
    }
    const batchReadingsMax = opts.batchReadingsMax ?? BATCH_READINGS_DEFAULT;
    checkBatchReadingsMax(batchReadingsMax);
    const client = new CityChainClient({ url: opts.apiUrl, identity });
    await checkRegistration(client, gatewayId, identity.orgId);
    const store = GatewayStore.open(join(opts.home, GATEWAY_STORE_DIR));
    const directory = new ChainDeviceDirectory(client, { ttlMs: opts.deviceCacheTtlMs ?? DEVICE_CACHE_TTL_MS_DEFAULT });
    const watcher = new DeviceChangeWatcher(client, directory, logger);
    const threads = opts.verifyThreads ?? availableParallelism();
    const checker = createSignatureChecker(threads);
    const hasher = createBatchHasher(threads);
    try {
      await watcher.start();
    } catch (e) {
      watcher.stop();
      await hasher.close();
      await checker.close();
      await store.close();
      throw chainUnavailable("subscribing to the chain's blocks", e);
    }
    let intake: ReadingIntake | undefined;
    const anchorer = new Anchorer({
      client,
      identity,
      gatewayId,
      store,
      directory,
      hasher,
      settled: (n) => intake?.settled(n),
      log: logger,
    });
    try {
      intake = ReadingIntake.restore({
        store,
        directory,
        checker,
        hasher,
        batchReadingsMax,
        onSealed: (b) => anchorer.enqueue(b),
      });
    } catch (e) {
      watcher.stop();
      await anchorer.stop();
      await hasher.close();
      await checker.close();
      await store.close();
      throw e;
    }
    const proofs = new ProofService(store, client, gatewayId);
    const gateway = new Gateway(
      gatewayId,
      logger,
      client,
      store,
      directory,
      watcher,
      checker,
      hasher,
      anchorer,
      intake,
      proofs,
    );
    const intervalMs = opts.anchorIntervalMs ?? ANCHOR_INTERVAL_MS_DEFAULT;
    if (intervalMs > 0) gateway.timer = setInterval(() => gateway.intake.seal(), intervalMs);
    logger.info({ gatewayId, org: identity.orgId, api: opts.apiUrl, intervalMs }, "gateway started");
    return gateway;
  }

  /** Serves the HTTP API; resolves with its base URL. Port 0 picks a free one. */
  async listen(port: number, host = "127.0.0.1"): Promise<string> {
    this.server = createGatewayServer(
      {
        intake: this.intake,
        proofs: this.proofs,
        directory: this.directory,
        store: this.store,
        status: () => this.status(),
      },
      this.logger,
    );
    await this.server.listen({ port, host });
    const address = this.server.server.address();
    const bound = typeof address === "object" && address ? address.port : port;
    return `http://${host}:${bound}`;
  }

  /** Seals the open batch and resolves when every sealed batch is anchored. */
  async anchorNow(): Promise<void> {
    this.intake.seal();
    await this.anchorer.drain();
  }

  status(): Record<string, unknown> {
    return {
      gatewayId: this.gatewayId,
      uptimeMs: Date.now() - this.startedMs,
      totals: this.intake.totals,
      pendingReadings: this.intake.pendingReadings,
      openBatch: {
        no: this.intake.openBatch.no,
        count: this.intake.openBatch.count,
        rejected: this.intake.openBatch.rejected,
      },
      sealedBatches: this.anchorer.queued,
      anchoredSinceStart: this.anchorer.anchored,
      lastAnchor: this.anchorer.lastAnchor
        ? {
            no: this.anchorer.lastAnchor.no,
            root: this.anchorer.lastAnchor.root,
            count: this.anchorer.lastAnchor.count,
            ...this.anchorer.lastAnchor.anchor,
            proof: undefined,
          }
        : null,
      lastError: this.anchorer.lastError ?? null,
      chainHeightWatched: this.watcher.appliedHeight,
      verifyThreads: this.checker.threads,
    };
  }

  /** Stops taking readings, finishes the anchoring attempt in progress, and closes everything. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.server?.close();
    this.watcher.stop();
    await this.anchorer.stop();
    await this.hasher.close();
    await this.checker.close();
    await this.store.close();
  }
}
