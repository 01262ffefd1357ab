export * from "./app-hash.ts";
export * from "./contracts/contract.ts";
export * from "./contracts/kv.ts";
export * from "./contracts/membership.ts";
export * from "./genesis.ts";
export * from "./overlay.ts";
export * from "./state-keys.ts";
export * from "./state-machine.ts";
