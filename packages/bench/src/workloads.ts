import { deployExample, type SetupEnv } from "./deploy-example.ts";
import { commissioningDocument, packAndShipDocument, SUPPLY_CHAIN } from "./epcis-documents.ts";

/** What a benchmark transaction does. Later issues add workloads here. */
export interface Workload {
  description: string;
  /** Prepares a self-contained network (deploys contracts) before the runs. */
  setup?(env: SetupEnv): Promise<void>;
  call(worker: string, i: number): { contract: string; fn: string; args: string[] };
  /** EPCIS events one transaction captures, to report events/s beside tx/s. */
  eventsPerTx?: number;
  /**
   * Transactions per second worth pre-signing for a max-rate run (default
   * 20,000): large transactions cost memory and signing time, and the
   * network commits far fewer of them.
   */
  maxRatePresignPerSec?: number;
  /**
   * Client defaults for this workload (else 200 transactions per batch, 4
   * batches in flight per worker). A block holds what is in flight, and
   * every validator executes it in one go: 1,600 captures are seconds of
   * CPU per validator, enough on a shared 2-core machine to silence a node
   * past the p2p idle timeout (docs/benchmarks.md).
   */
  batch?: number;
  inflight?: number;
}

export const workloads = {
  kv: {
    description: "kv put of a fresh 16-byte key with a 64-byte value",
    call: (worker: string, i: number) => ({
      contract: "kv",
      fn: "put",
      args: [`bench/${worker}/${i}`, "v".repeat(64)],
    }),
  },
  asset: {
    description:
      "CreateAsset of a fresh id in the Fabric-style asset-transfer chaincode (examples/asset-transfer), run in the contract sandbox",
    setup: (env: SetupEnv) => deployExample(env, "asset-transfer", "asset", "GetAllAssets"),
    call: (worker: string, i: number) => ({
      contract: "asset",
      fn: "CreateAsset",
      args: [`a-${worker}-${i}`, "bench", "Depot 7", "org1", "100"],
    }),
  },
  epcis: {
    description:
      "supplychain Epcis:Capture of an EPCIS 2.0 document: commission 10 fresh serialised packs, pack them into a case, ship the case (3 events, 22 identifiers)",
    eventsPerTx: 3,
    maxRatePresignPerSec: 2_000,
    batch: 20,
    inflight: 2,
    call: (worker: string, i: number) => ({
      contract: SUPPLY_CHAIN,
      fn: "Epcis:Capture",
      args: [packAndShipDocument(worker, i)],
    }),
  },
  "epcis-object": {
    description: "supplychain Epcis:Capture of an EPCIS 2.0 document of one ObjectEvent commissioning 10 fresh packs",
    eventsPerTx: 1,
    maxRatePresignPerSec: 3_000,
    batch: 20,
    inflight: 2,
    call: (worker: string, i: number) => ({
      contract: SUPPLY_CHAIN,
      fn: "Epcis:Capture",
      args: [commissioningDocument(worker, i)],
    }),
  },
} satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof workloads;
