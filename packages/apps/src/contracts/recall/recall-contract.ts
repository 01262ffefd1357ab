import { ErrorCode } from "@citychain/protocol";
import { holdersOf } from "../custody/holdings.ts";
import { NOTE_CHARS_MAX, RECALL_HOLDERS_MAX, RECALL_NOTICE_EVENTS_MAX } from "../limits.ts";
import { gtinInput, lotInput } from "../products/gs1-input.ts";
import { requireBatch, saveBatch } from "../products/product-store.ts";
import type { RecallInfo } from "../products/records.ts";
import { type AppContext, AppContract } from "../shared/app-contract.ts";
import { textArg } from "../shared/args.ts";
import { blockTimeMs } from "../shared/block-time.ts";
import { callerOf } from "../shared/caller.ts";
import { appError } from "../shared/errors.ts";
import { emitEvent } from "../shared/events.ts";

/** What `RecallNotice` events carry: one per holder organisation (`holder`), or one for all of them (`holder` "*"). */
export interface RecallNotice {
  batch: string;
  gtin: string;
  lot: string;
  reason: string;
  holder: string;
  units: number;
  holders?: Array<{ org: string; units: number }>;
  recalledBy: string;
  regulator: boolean;
  digitalLink: string;
  txId: string;
}

/** The answer of a recall. */
export interface RecallAnswer {
  batch: string;
  recall: RecallInfo;
  holders: Array<{ org: string; units: number }>;
  notices: number;
}

/**
 * Batch recalls (`Recall:RecallBatch`). A recall is one write: the batch
 * record gets its `recall`. Nothing is written per item: the status of an
 * item, case or pallet is derived when it is read (Products:Get, Resolve,
 * Verify:Drug) from the batches it holds — an item from its own batch, a
 * case or pallet from the content summary custody keeps for it — so every
 * unit containing the batch reads as `recalled` from this block on, and a
 * recall of a 10,000-item batch is one small transaction. The holders to
 * notify come from the per-batch holding index (organisation → items held),
 * which custody changes keep current: the work is bounded by the number of
 * organisations, not of items.
 */
export class Recall extends AppContract {
  constructor() {
    super("Recall");
  }

  /**
   * `RecallBatch(gtin, lot, reason)`: by the batch's maker organisation or a
   * regulator (`regulator=true`). Emits one `RecallNotice` per organisation
   * holding items of the batch now (the maker when nobody else does).
   */
  async RecallBatch(ctx: AppContext, gtin: string, lot: string, reason: string): Promise<RecallAnswer> {
    const caller = callerOf(ctx);
    const batch = await requireBatch(ctx.state, gtinInput(gtin), lotInput(lot));
    if (batch.maker !== caller.org && !caller.regulator) {
      throw appError(
        ErrorCode.APP_FORBIDDEN,
        `only ${batch.maker} (the maker of ${batch.key}) or a regulator (certificate attribute regulator=true) may recall it; the signer belongs to ${caller.org}`,
      );
    }
    if (caller.role === "device") throw appError(ErrorCode.APP_FORBIDDEN, "devices cannot recall batches");
    if (batch.recall !== null) {
      throw appError(
        ErrorCode.APP_STATE_CONFLICT,
        `batch ${batch.key} was already recalled by ${batch.recall.byOrg} in transaction ${batch.recall.txId}`,
      );
    }
    const txId = ctx.stub.getTxID();
    batch.recall = {
      atMs: blockTimeMs(ctx),
      reason: textArg(reason, "reason", NOTE_CHARS_MAX),
      byOrg: caller.org,
      byId: caller.id,
      regulator: caller.regulator,
      txId,
    };
    saveBatch(ctx.state, batch);
    const found = await holdersOf(ctx.state, batch.key, RECALL_HOLDERS_MAX);
    const holders = found.length > 0 ? found : [{ org: batch.maker, units: 0 }];
    const base = {
      batch: batch.key,
      gtin: batch.gtin,
      lot: batch.lot,
      reason: batch.recall.reason,
      recalledBy: caller.org,
      regulator: caller.regulator,
      digitalLink: batch.digitalLink,
      txId,
    };
    if (holders.length <= RECALL_NOTICE_EVENTS_MAX) {
      for (const holder of holders)
        emitEvent(ctx, "RecallNotice", { ...base, holder: holder.org, units: holder.units } satisfies RecallNotice);
    } else {
      // More holders than events a transaction may emit: one notice addressed to all, listing them.
      const units = holders.reduce((sum, h) => sum + h.units, 0);
      emitEvent(ctx, "RecallNotice", { ...base, holder: "*", units, holders } satisfies RecallNotice);
    }
    return {
      batch: batch.key,
      recall: batch.recall,
      holders,
      notices: holders.length <= RECALL_NOTICE_EVENTS_MAX ? holders.length : 1,
    };
  }
}
