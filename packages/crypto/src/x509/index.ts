export * from "./ca.ts";
export * from "./dn.ts";
export * from "./identity.ts";
export * from "./issue.ts";
export * from "./membership.ts";
export * from "./parse.ts";
export * from "./pem.ts";
export * from "./roles.ts";
