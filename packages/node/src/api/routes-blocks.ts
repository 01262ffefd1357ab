import { CityChainError, ErrorCode, hexToBytes } from "@citychain/protocol";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { CityChainNode } from "../node.ts";
import { parseOrThrow } from "./validation.ts";
import { blockView } from "./views.ts";

const blockParams = z.object({
  heightOrHash: z
    .string()
    .regex(/^(latest|\d{1,15}|[0-9a-fA-F]{64})$/, "must be 'latest', a height, or a 64-character hex block hash"),
});
const blockQuery = z.object({ format: z.enum(["json", "cbor"]).optional() });

function notFound(what: string): CityChainError {
  return new CityChainError({ code: ErrorCode.BLOCK_NOT_FOUND }, what);
}

/** Resolves 'latest', a height or a block hash to a committed height. */
function resolveHeight(node: CityChainNode, ref: string): number {
  const latest = node.ledger.latestHeight();
  if (ref === "latest") {
    if (latest === 0) throw notFound("no block has been committed yet");
    return latest;
  }
  if (ref.length === 64) {
    const h = node.ledger.heightOfHash(hexToBytes(ref.toLowerCase()));
    if (h === undefined) throw notFound(`no committed block has hash ${ref.toLowerCase()}`);
    return h;
  }
  const h = Number(ref);
  if (h < 1 || h > latest) throw notFound(`no block at height ${h}; the chain is at height ${latest}`);
  return h;
}

/** Blocks: GET /v1/blocks/latest and /v1/blocks/:heightOrHash (?format=cbor for the stored bytes). */
export function registerBlockRoutes(app: FastifyInstance, node: CityChainNode): void {
  app.get("/v1/blocks/:heightOrHash", async (request, reply) => {
    const { heightOrHash } = parseOrThrow(blockParams, request.params, "path");
    const { format } = parseOrThrow(blockQuery, request.query, "query string");
    const height = resolveHeight(node, heightOrHash);
    if (format === "cbor") {
      const bytes = node.ledger.getBlockBytes(height);
      if (!bytes) throw notFound(`block ${height} is missing from this node's ledger`);
      return reply.type("application/cbor").send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    const block = node.ledger.getBlock(height);
    if (!block) throw notFound(`block ${height} is missing from this node's ledger`);
    return blockView(block, node.ledger.getCommit(height), node.ledger.getResults(height), node.app.membership);
  });
}
