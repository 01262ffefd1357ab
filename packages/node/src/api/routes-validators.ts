import { bytesToBase64, bytesToHex, bytesToUtf8, hexToBytes } from "@citychain/protocol";
import { MEMBERSHIP_CONTRACT, stateKey, VALSET_HISTORY_PREFIX } from "@citychain/runtime";
import type { FastifyInstance } from "fastify";
import type { CityChainNode } from "../node.ts";
import { buildTxProof, encodeTxProof } from "./proof.ts";

/** Upper bound on the changes one answer lists. */
export const VALIDATOR_CHANGES_MAX = 1_000;

/**
 * GET /v1/validator-sets: the current set and every change the chain decided,
 * each with the proof of the transaction that decided it. A light client that
 * trusts only the genesis checks the changes in order (each is signed by the
 * set before it) and can then check headers signed by any later set.
 */
export function registerValidatorRoutes(app: FastifyInstance, node: CityChainNode): void {
  app.get("/v1/validator-sets", async () => {
    const prefix = stateKey(MEMBERSHIP_CONTRACT, VALSET_HISTORY_PREFIX);
    const changes = [];
    for (const { value } of node.ledger.getStateRange({ prefix, limit: VALIDATOR_CHANGES_MAX })) {
      const record = JSON.parse(bytesToUtf8(value)) as { fromHeight: number; txId: string };
      const loc = node.ledger.getTxLocation(hexToBytes(record.txId));
      // Durable state and its transaction index are written in one LMDB transaction.
      if (!loc) continue;
      const proof = buildTxProof(node.ledger, loc.height, loc.index);
      changes.push({
        fromHeight: record.fromHeight,
        txId: record.txId,
        height: loc.height,
        proofCbor: bytesToBase64(encodeTxProof(proof)),
      });
    }
    const height = node.app.info().height;
    return {
      height,
      validators: node.app.validatorsAt(height + 1).map((v) => ({
        name: v.name,
        orgId: v.orgId,
        address: bytesToHex(v.address),
        power: v.power,
      })),
      changes,
    };
  });
}
