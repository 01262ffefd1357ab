import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  CityChainError,
  decodeTx,
  ErrorCode,
  hexToBytes,
  TX_BYTES_HARD_MAX,
} from "@citychain/protocol";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { TxOutcome } from "../event-bus.ts";
import { type CityChainNode, SUBMIT_BATCH_TXS_MAX, type SubmitOutcome } from "../node.ts";
import { requestInvalid } from "./http-errors.ts";
import { SUBMIT_WAIT_MS_DEFAULT, SUBMIT_WAIT_MS_MAX } from "./limits.ts";
import { buildTxProof, encodeTxProof, txProofView } from "./proof.ts";
import { parseOrThrow } from "./validation.ts";
import { printableText, signerView } from "./views.ts";

/** One entry of a POST /v1/txs response. */
export interface SubmitResultView {
  id?: string;
  /** In the mempool, or committed (even with a failing result code). */
  accepted: boolean;
  /** ACCEPTED (no wait), OK or the result's error code (committed), or why it was rejected. */
  code: string;
  message: string;
  height?: number;
  index?: number;
  returnValue?: string;
  returnText?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const submitJson = z.union([
  z.strictObject({ tx: z.string().min(1) }),
  z.strictObject({ txs: z.array(z.string().min(1)).min(1) }),
]);
const submitQuery = z.object({
  wait: z.enum(["true", "false", "1", "0"]).optional(),
  timeoutMs: z.coerce.number().int().min(1).max(SUBMIT_WAIT_MS_MAX).optional(),
});
const txIdParams = z.object({ id: z.string().regex(/^[0-9a-fA-F]{64}$/, "must be a 64-character hex transaction id") });

function decodeBase64Tx(s: string, field: string): Uint8Array {
  if (s.length % 4 !== 0 || !BASE64.test(s))
    throw requestInvalid(`'${field}' must be standard base64 (an encoded SignedTx)`);
  return base64ToBytes(s);
}

function isCommitted(o: SubmitOutcome | TxOutcome): o is TxOutcome {
  return "idHex" in o;
}

export function resultView(o: SubmitOutcome | TxOutcome): SubmitResultView {
  if (!isCommitted(o)) return { id: o.id, accepted: o.accepted, code: o.code, message: o.message };
  const view: SubmitResultView = {
    id: o.idHex,
    // Committed with any result code, or still pending after the wait: either way it was admitted.
    accepted: o.height !== undefined || o.code === ErrorCode.TX_COMMIT_TIMEOUT,
    code: o.code,
    message: o.message,
  };
  if (o.height !== undefined) {
    view.height = o.height;
    view.index = o.index;
    const rv = o.returnValue ?? new Uint8Array(0);
    view.returnValue = bytesToBase64(rv);
    const text = printableText(rv);
    if (text !== undefined) view.returnText = text;
  }
  return view;
}

/** Transactions in: POST /v1/txs. Transactions out: GET /v1/txs/:id with proof. */
export function registerTxRoutes(app: FastifyInstance, node: CityChainNode): void {
  app.post("/v1/txs", async (request, reply) => {
    const query = parseOrThrow(submitQuery, request.query, "query string");
    let txs: Uint8Array[];
    let single: boolean;
    if (request.rawBody !== undefined && request.headers["content-type"]?.startsWith("application/cbor")) {
      txs = [request.rawBody];
      single = true;
    } else {
      const body = parseOrThrow(submitJson, request.body, "body");
      if ("tx" in body) {
        txs = [decodeBase64Tx(body.tx, "tx")];
        single = true;
      } else {
        if (body.txs.length > SUBMIT_BATCH_TXS_MAX) {
          throw new CityChainError(
            { code: ErrorCode.BATCH_TOO_LARGE },
            `${body.txs.length} transactions in one request; at most ${SUBMIT_BATCH_TXS_MAX}, split the batch`,
          );
        }
        txs = body.txs.map((t, i) => decodeBase64Tx(t, `txs[${i}]`));
        single = false;
      }
    }
    const wait = query.wait === "true" || query.wait === "1";
    const outcomes = wait
      ? await node.submitAndWait(txs, query.timeoutMs ?? SUBMIT_WAIT_MS_DEFAULT)
      : await node.submit(txs);
    const results = outcomes.map(resultView);
    if (single) {
      const r = results[0];
      if (!r.accepted) throw new CityChainError({ code: r.code }, r.message);
      if (r.code === ErrorCode.TX_COMMIT_TIMEOUT || r.code === "ACCEPTED") reply.status(202);
    }
    return { results };
  });

  app.get("/v1/txs/:id", async (request) => {
    const { id } = parseOrThrow(txIdParams, request.params, "path");
    const idHex = id.toLowerCase();
    const loc = node.ledger.getTxLocation(hexToBytes(idHex));
    if (!loc) {
      const where = node.mempool.has(idHex)
        ? "it is waiting in the mempool; look again after the next block"
        : "this node has not seen it committed; check the id, or submit it";
      throw new CityChainError(
        { code: ErrorCode.TX_NOT_FOUND },
        `transaction ${idHex} is not in a committed block: ${where}`,
      );
    }
    const proof = buildTxProof(node.ledger, loc.height, loc.index);
    const result = node.ledger.getResult(loc.height, loc.index);
    const tx = decodeTx(proof.tx, TX_BYTES_HARD_MAX);
    const returnValue = result?.returnValue ?? new Uint8Array(0);
    return {
      id: bytesToHex(tx.id),
      height: loc.height,
      index: loc.index,
      code: result?.code ?? loc.code,
      message: result?.message ?? "",
      returnValue: bytesToBase64(returnValue),
      returnText: printableText(returnValue),
      events: (result?.events ?? []).map((e) => ({
        contract: e.contract,
        name: e.name,
        payload: bytesToBase64(e.payload),
        payloadText: printableText(e.payload),
      })),
      tx: {
        chainId: tx.body.chainId,
        contract: tx.body.contract,
        fn: tx.body.fn,
        args: tx.body.args,
        expiresAt: tx.body.expiresAt,
        nonce: bytesToHex(tx.body.nonce),
        signers: tx.sigs.map((s) => signerView(s, node.app.membership, proof.header.timeMs)),
      },
      proof: txProofView(proof),
      proofCbor: bytesToBase64(encodeTxProof(proof)),
    };
  });
}
