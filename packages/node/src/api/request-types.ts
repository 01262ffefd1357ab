import type { Identity } from "@citychain/crypto";

declare module "fastify" {
  interface FastifyRequest {
    /** The body exactly as received, for signature checks; absent on bodiless requests. */
    rawBody?: Uint8Array;
    /** The authenticated caller, when the request was signed. */
    caller?: Identity;
  }
}
