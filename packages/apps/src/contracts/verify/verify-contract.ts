import { loadUnit } from "../custody/unit.ts";
import { expiryInput, gtinInput, lotInput, serialInput } from "../products/gs1-input.ts";
import { itemKeyOf, loadBatchByKey, loadItem } from "../products/product-store.ts";
import type { BatchRecord, ItemRecord } from "../products/records.ts";
import { batchStatus } from "../products/status.ts";
import { type AppContext, AppContract } from "../shared/app-contract.ts";
import { blockTimeMs } from "../shared/block-time.ts";

/** The answer to a pharmacist's check. */
export interface DrugVerification {
  result: "verified" | "unknown" | "recalled" | "quarantined" | "expired" | "mismatched";
  reason: string;
  item?: ItemRecord;
  /** Transactions that prove the answer (registration, recall, quarantine, destruction). */
  txIds?: string[];
}

function proofOf(item: ItemRecord, batch: BatchRecord): string[] {
  const ids = [item.txId, batch.txId, batch.recall?.txId, batch.quarantine?.txId, batch.destroyed?.txId];
  return ids.filter((id): id is string => id !== undefined);
}

/**
 * Drug verification (`Verify:Drug`), the check a pharmacy or hospital makes
 * before dispensing: the pack's GTIN, lot, serial and expiry (as scanned
 * from its GS1 DataMatrix) against the maker's registration and the
 * batch's state at block time.
 */
export class Verify extends AppContract {
  constructor() {
    super("Verify");
  }

  /**
   * `Drug(gtin, lot, serial, expiry)` answers, most serious first:
   * unknown (no such serial: do not dispense), mismatched (the serial
   * exists with another lot or expiry: a falsified pack), recalled (also
   * for a destroyed batch or unit, which must not be in circulation),
   * quarantined, expired, verified.
   */
  async Drug(ctx: AppContext, gtin: string, lot: string, serial: string, expiry: string): Promise<DrugVerification> {
    const nowMs = blockTimeMs(ctx);
    const g = gtinInput(gtin);
    const s = serialInput(serial);
    const l = lotInput(lot);
    const e = expiryInput(expiry, nowMs);
    const item = await loadItem(ctx.state, g, s);
    if (item === undefined)
      return {
        result: "unknown",
        reason: `serial ${s} of GTIN ${g} was never registered by a maker: do not dispense; report the pack`,
      };
    const batch = (await loadBatchByKey(ctx.state, item.batchKey)) as BatchRecord;
    const txIds = proofOf(item, batch);
    if (item.lot !== l || item.expiry !== e.expiry) {
      const found = `lot ${item.lot}, expiry ${item.expiry}`;
      return {
        result: "mismatched",
        reason: `${itemKeyOf(g, s)} is registered with ${found}, the pack says lot ${l}, expiry ${e.expiry}: possibly falsified; do not dispense`,
        item,
        txIds,
      };
    }
    const unit = await loadUnit(ctx.state, item.key);
    const status = unit?.destroyed ? "destroyed" : batchStatus(batch, nowMs);
    switch (status) {
      case "destroyed":
        return {
          result: "recalled",
          reason: `the pack or its batch ${batch.key} was destroyed; a unit in circulation must not be dispensed`,
          item,
          txIds,
        };
      case "recalled":
        return {
          result: "recalled",
          reason: `batch ${batch.key} was recalled by ${batch.recall?.byOrg}: ${batch.recall?.reason}`,
          item,
          txIds,
        };
      case "quarantined":
        return {
          result: "quarantined",
          reason: `batch ${batch.key} is quarantined (${batch.quarantine?.reason}) until a qualified person releases it`,
          item,
          txIds,
        };
      case "expired":
        return { result: "expired", reason: `the pack expired on ${batch.expiryDate}`, item, txIds };
      default:
        return {
          result: "verified",
          reason: `registered by ${item.maker}; batch ${batch.key} active, expires ${batch.expiryDate}`,
          item,
          txIds,
        };
    }
  }
}
