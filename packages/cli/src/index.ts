export * from "./output.ts";
export * from "./resolve-url.ts";
export * from "./run-network.ts";
export * from "./spawn-node.ts";
