import { checkEpcisDocument, SUPPLY_CHAIN_CONTRACT } from "@citychain/apps";
import { bytesToBase64, bytesToUtf8, CityChainError, ErrorCode, hexToBytes } from "@citychain/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CityChainNode } from "../node.ts";
import { buildTxProof, encodeTxProof } from "./proof.ts";
import { parseOrThrow } from "./validation.ts";

/** Routes that answer anyone (a consumer scanning a QR code, a pharmacist's scanner), whatever the chain's mode. */
export const PUBLIC_APP_ROUTES = [
  "GET /01/:gtin",
  "GET /01/:gtin/10/:lot",
  "GET /01/:gtin/21/:serial",
  "GET /01/:gtin/10/:lot/21/:serial",
  "GET /v1/drugs/verify",
];

/** Proofs attached to one resolver answer, at most. */
export const RESOLVER_PROOFS_MAX = 100;

const verifyQuery = z.strictObject({
  gtin: z.string().min(1).max(14),
  lot: z.string().min(1).max(20),
  serial: z.string().min(1).max(20),
  expiry: z.string().regex(/^\d{6}$/, "must be YYMMDD"),
});

async function evaluate(node: CityChainNode, fn: string, args: string[]): Promise<unknown> {
  const bytes = await node.app.query({ contract: SUPPLY_CHAIN_CONTRACT, fn, args });
  return JSON.parse(bytesToUtf8(bytes));
}

/** The proof of each committed transaction named, keyed by id (canonical CBOR, base64; the SDK checks them). */
function proofsOf(node: CityChainNode, txIds: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of [...new Set(txIds)].slice(0, RESOLVER_PROOFS_MAX)) {
    const loc = /^[0-9a-f]{64}$/.test(id) ? node.ledger.getTxLocation(hexToBytes(id)) : undefined;
    if (loc) out[id] = bytesToBase64(encodeTxProof(buildTxProof(node.ledger, loc.height, loc.index)));
  }
  return out;
}

function digitalLinkOf(request: FastifyRequest): string {
  const host = request.headers.host ?? "localhost";
  return `https://${host}${request.url}`;
}

/**
 * The smart-city applications' HTTP face: the GS1 Digital Link resolver a QR
 * code points to (`/01/<GTIN>/10/<lot>/21/<serial>`: the item's status and
 * provenance, each event with the proof of the transaction that recorded it),
 * drug verification, EPCIS document validation and event queries.
 * Everything that changes state goes through signed transactions
 * (`supplychain` contract), never through these routes.
 */
export function registerAppRoutes(app: FastifyInstance, node: CityChainNode): void {
  const resolve = async (request: FastifyRequest) => {
    const answer = (await evaluate(node, "Products:Resolve", [digitalLinkOf(request)])) as {
      events: { txId: string }[];
      txIds?: string[];
    };
    const txIds = [...(answer.txIds ?? []), ...answer.events.map((e) => e.txId)];
    return { ...answer, proofs: proofsOf(node, txIds) };
  };
  for (const route of PUBLIC_APP_ROUTES.filter((r) => r.startsWith("GET /01/"))) {
    app.get(route.slice("GET ".length), resolve);
  }

  app.get("/v1/drugs/verify", async (request) => {
    const q = parseOrThrow(verifyQuery, request.query, "query string");
    const answer = (await evaluate(node, "Verify:Drug", [q.gtin, q.lot, q.serial, q.expiry])) as { txIds?: string[] };
    return { ...answer, proofs: proofsOf(node, answer.txIds ?? []) };
  });

  app.post("/v1/epcis/validate", async (request) => {
    const { events, problems } = checkEpcisDocument(request.body);
    return { ok: problems.length === 0, events: events.length, problems };
  });

  app.get("/v1/epcis/events", async (request) => {
    const params = request.query as Record<string, string>;
    if (Object.keys(params).length > 32) {
      throw new CityChainError({ code: ErrorCode.REQUEST_INVALID }, "at most 32 query parameters");
    }
    return evaluate(node, "Epcis:Query", [JSON.stringify(params)]);
  });
}
