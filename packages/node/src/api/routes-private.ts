import {
  base64ToBytes,
  bytesEqual,
  bytesToBase64,
  bytesToHex,
  CityChainError,
  decodeTx,
  ErrorCode,
  NAME_PATTERN,
  TX_BYTES_HARD_MAX,
} from "@citychain/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CityChainNode } from "../node.ts";
import { transientEntries } from "../private-data.ts";
import { authenticate } from "./auth.ts";
import { requestInvalid } from "./http-errors.ts";
import { SUBMIT_WAIT_MS_DEFAULT, SUBMIT_WAIT_MS_MAX } from "./limits.ts";
import { resultView } from "./routes-txs.ts";
import { parseOrThrow } from "./validation.ts";
import { printableText } from "./views.ts";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const base64 = z.string().refine((s) => s.length % 4 === 0 && BASE64.test(s), "must be standard base64");

/** Transient data as JSON: names to base64 values. */
export const transientJson = z.record(z.string().min(1).max(256), base64).optional();

const endorseBody = z.strictObject({
  tx: base64.refine((s) => s.length > 0, "must not be empty"),
  transient: transientJson,
  /** Submit the endorsed transaction at once (and wait for its block); else return the endorsement. */
  submit: z.boolean().default(true),
  timeoutMs: z.number().int().min(1).max(SUBMIT_WAIT_MS_MAX).optional(),
});
const hashParams = z.object({
  contract: z.string().min(1).max(128).regex(NAME_PATTERN),
  collection: z.string().min(1).max(64),
});
const hashQuery = z.object({ key: z.string().min(1).max(1024) });

export function decodeTransient(map: Record<string, string> | undefined): [string, Uint8Array][] {
  return transientEntries(Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, base64ToBytes(v)])));
}

/**
 * Endorsement hands transient (private) data to this node and answers with
 * what the contract returned, so the request must come from the
 * transaction's own signer: nobody can replay someone else's signed
 * transaction here to read private data as them.
 */
function checkEndorseCaller(
  node: CityChainNode,
  request: FastifyRequest,
  firstSignerCert: Uint8Array | undefined,
): void {
  const caller = request.caller ?? authenticate(node, request);
  if (!firstSignerCert || !bytesEqual(caller.certDer, firstSignerCert)) {
    throw new CityChainError(
      { code: ErrorCode.AUTH_INVALID },
      "an endorsement request must be signed by the transaction's first signer; sign the request with the same identity",
    );
  }
}

/** Private data collections: POST /v1/txs/endorse, GET .../collections/:collection/hash. */
export function registerPrivateRoutes(app: FastifyInstance, node: CityChainNode): void {
  app.post("/v1/txs/endorse", async (request, reply) => {
    const body = parseOrThrow(endorseBody, request.body, "body");
    const txBytes = base64ToBytes(body.tx);
    let firstSigner: Uint8Array | undefined;
    try {
      firstSigner = decodeTx(txBytes, TX_BYTES_HARD_MAX).sigs[0]?.cert;
    } catch (e) {
      throw e instanceof CityChainError ? e : requestInvalid(`'tx' is not a transaction: ${(e as Error).message}`);
    }
    checkEndorseCaller(node, request, firstSigner);
    const endorsed = await node.privateData.endorse(txBytes, decodeTransient(body.transient));
    const endorsement = {
      txId: endorsed.txIdHex,
      rwset: bytesToBase64(endorsed.rwset),
      endorsement: {
        alg: endorsed.endorsement.alg,
        cert: bytesToBase64(endorsed.endorsement.cert),
        sig: bytesToBase64(endorsed.endorsement.sig),
      },
      endorsedTx: bytesToBase64(endorsed.endorsedTx),
      returnValue: bytesToBase64(endorsed.returnValue),
      returnText: printableText(endorsed.returnValue),
    };
    if (!body.submit) return endorsement;
    const [outcome] = await node.submitAndWait([endorsed.endorsedTx], body.timeoutMs ?? SUBMIT_WAIT_MS_DEFAULT);
    const result = resultView(outcome);
    if (!result.accepted) throw new CityChainError({ code: result.code }, result.message);
    if (result.code === ErrorCode.TX_COMMIT_TIMEOUT) reply.status(202);
    return { ...endorsement, result };
  });

  app.get("/v1/contracts/:contract/collections/:collection/hash", async (request) => {
    const { contract, collection } = parseOrThrow(hashParams, request.params, "path");
    const { key } = parseOrThrow(hashQuery, request.query, "query string");
    const hash = node.app.privateDataHash(contract, collection, key);
    if (!hash) {
      throw new CityChainError(
        { code: ErrorCode.NOT_FOUND },
        `collection '${collection}' of '${contract}' has no value under that key on chain`,
      );
    }
    return { contract, collection, hash: bytesToHex(hash), height: node.ledger.latestHeight() };
  });
}
