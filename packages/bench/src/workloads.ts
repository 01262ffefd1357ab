/** What a benchmark transaction does. Later issues add workloads here. */
export interface Workload {
  description: string;
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
} satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof workloads;
