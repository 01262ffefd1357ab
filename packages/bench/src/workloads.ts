import { deployExample, type SetupEnv } from "./deploy-example.ts";

/** What a benchmark transaction does. Later issues add workloads here. */
export interface Workload {
  description: string;
  /** Prepares a self-contained network (deploys contracts) before the runs. */
  setup?(env: SetupEnv): Promise<void>;
  call(worker: string, i: number): { contract: string; fn: string; args: string[] };
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
} satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof workloads;
