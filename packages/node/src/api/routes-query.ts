import { bytesToBase64, CityChainError, ErrorCode, isCityChainError, NAME_PATTERN } from "@citychain/protocol";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { CityChainNode } from "../node.ts";
import { QUERY_ARGS_MAX } from "./limits.ts";
import { decodeTransient, transientJson } from "./routes-private.ts";
import { parseOrThrow } from "./validation.ts";
import { printableText } from "./views.ts";

const queryBody = z.strictObject({
  contract: z.string().min(1).max(128).regex(NAME_PATTERN),
  fn: z.string().min(1).max(128).regex(NAME_PATTERN),
  args: z.array(z.string()).max(QUERY_ARGS_MAX).default([]),
  transient: transientJson,
});

/** Read-only contract calls against committed state: POST /v1/query. */
export function registerQueryRoutes(app: FastifyInstance, node: CityChainNode): void {
  app.post("/v1/query", async (request) => {
    const req = parseOrThrow(queryBody, request.body, "body");
    let result: Uint8Array;
    try {
      // The authenticated requester is the caller a contract sees (ctx.clientIdentity).
      const { transient, ...call } = req;
      result = await node.app.query({
        ...call,
        transient: decodeTransient(transient),
        callerCert: request.caller?.certDer,
      });
    } catch (e) {
      if (isCityChainError(e)) throw e;
      // Contract code failed on this input: the caller's problem to fix, not a node fault.
      throw new CityChainError(
        { code: ErrorCode.CONTRACT_FAILED },
        `${req.contract}.${req.fn} failed: ${(e as Error)?.message ?? String(e)}`,
      );
    }
    return { result: bytesToBase64(result), resultText: printableText(result) };
  });
}
