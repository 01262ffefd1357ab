import { ErrorCode } from "@citychain/protocol";
import type { Excursion, Reading } from "../../coldchain/types.ts";
import { ALARMS_PER_SERIES_MAX, EXCURSION_EVENT_ALARMS_MAX, EXCURSION_READINGS_MAX } from "../limits.ts";
import { loadProduct, saveBatch } from "../products/product-store.ts";
import type { BatchRecord } from "../products/records.ts";
import { batchStatus, type UnitStatus } from "../products/status.ts";
import type { AppContext } from "../shared/app-contract.ts";
import { blockTimeMs } from "../shared/block-time.ts";
import { appError } from "../shared/errors.ts";
import { emitEvent } from "../shared/events.ts";
import { type AlarmRecord, advanceSeries, excursionId, saveSeries } from "./series.ts";
import { custodiansAt, type ReadingTarget } from "./targets.ts";

/** What RecordReadings answers per batch, and the batches it left out. */
export interface ReadingsAnswer {
  target: string;
  deviceId: string;
  batches: Array<{
    batch: string;
    acceptedCount: number;
    duplicateCount: number;
    outOfOrderCount: number;
    mktC: number | null;
    newAlarms: string[];
    status: UnitStatus;
  }>;
  skipped: Array<{ batch: string; reason: string }>;
  txId: string;
}

function alarmOf(
  excursion: Excursion,
  who: { custodian: string | null; holders: string[] },
  txId: string,
): AlarmRecord {
  return {
    id: excursionId(excursion),
    ruleId: excursion.ruleId,
    kind: excursion.kind,
    startMs: excursion.startMs,
    endMs: excursion.endMs,
    durationMs: excursion.durationMs,
    limitReachedAtMs: excursion.limitReachedAtMs,
    minC: excursion.minMilliC === undefined ? null : excursion.minMilliC / 1000,
    maxC: excursion.maxMilliC === undefined ? null : excursion.maxMilliC / 1000,
    ...who,
    txId,
  };
}

/**
 * The alarms an Excursion event details (the first EXCURSION_EVENT_ALARMS_MAX),
 * each with the readings of this call it covers, EXCURSION_READINGS_MAX in
 * all, and how many readings were left out.
 */
function detailed(readings: Reading[], alarms: AlarmRecord[]) {
  const sorted = [...readings].sort((a, b) => a.timeMs - b.timeMs);
  let budget = EXCURSION_READINGS_MAX;
  return alarms.slice(0, EXCURSION_EVENT_ALARMS_MAX).map((alarm) => {
    const inside = sorted.filter((r) => r.timeMs >= alarm.startMs && r.timeMs <= alarm.endMs);
    const quoted = inside.slice(0, budget);
    budget -= quoted.length;
    return { ...alarm, readings: quoted, readingsOmitted: inside.length - quoted.length };
  });
}

/**
 * Evaluates one device's readings for every batch of the target with the
 * product's cold-chain rules. A new excursion (single, cumulative, freeze,
 * or a gap in the readings) quarantines the batch and emits one
 * `Excursion` event per batch naming the batch, the device, the readings
 * involved and the custodian when the limit was passed. The device was
 * checked by the caller (registered, not revoked, of the signer's
 * organisation).
 */
export async function recordReadings(
  ctx: AppContext,
  target: ReadingTarget,
  deviceId: string,
  readings: Reading[],
): Promise<ReadingsAnswer> {
  const { state } = ctx;
  const nowMs = blockTimeMs(ctx);
  const txId = ctx.stub.getTxID();
  const answer: ReadingsAnswer = { target: target.key, deviceId, batches: [], skipped: [], txId };
  for (const batch of target.batches) {
    const rules = (await loadProduct(state, batch.gtin))?.coldChain ?? null;
    if (batch.destroyed !== null || rules === null) {
      answer.skipped.push({
        batch: batch.key,
        reason: batch.destroyed !== null ? "destroyed" : `GTIN ${batch.gtin} has no cold-chain profile`,
      });
      continue;
    }
    const { series, result, fresh } = await advanceSeries(state, batch.key, deviceId, rules, readings);
    const alarms: AlarmRecord[] = [];
    for (const excursion of fresh)
      alarms.push(alarmOf(excursion, await custodiansAt(state, target, batch, excursion.limitReachedAtMs), txId));
    saveSeries(state, series, alarms);
    if (alarms.length > 0) quarantine(ctx, batch, deviceId, alarms, readings, nowMs, txId);
    answer.batches.push({
      batch: batch.key,
      acceptedCount: result.acceptedCount,
      duplicateCount: result.duplicateCount,
      outOfOrderCount: result.outOfOrderCount,
      mktC: result.mktC ?? null,
      newAlarms: alarms.map((alarm) => alarm.id),
      status: batchStatus(batch, nowMs),
    });
  }
  if (answer.batches.length === 0) {
    const why = answer.skipped.map((s) => `${s.batch}: ${s.reason}`).join("; ");
    throw appError(
      ErrorCode.COLDCHAIN_PROFILE_MISSING,
      `no batch of ${target.key} can take readings (${why}); the maker sets a profile with ColdChain:SetProfile`,
    );
  }
  return answer;
}

function quarantine(
  ctx: AppContext,
  batch: BatchRecord,
  deviceId: string,
  alarms: AlarmRecord[],
  readings: Reading[],
  nowMs: number,
  txId: string,
): void {
  const ids = alarms.map((alarm) => alarm.id);
  if (batch.quarantine === null) {
    batch.quarantine = {
      sinceMs: nowMs,
      reason: `cold-chain alarm ${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", ..." : ""} on device ${deviceId}`,
      deviceId,
      excursions: ids,
      txId,
    };
  } else {
    batch.quarantine.excursions.push(...ids);
    if (batch.quarantine.excursions.length > ALARMS_PER_SERIES_MAX) {
      batch.quarantine.excursions.splice(0, batch.quarantine.excursions.length - ALARMS_PER_SERIES_MAX);
    }
  }
  saveBatch(ctx.state, batch);
  emitEvent(ctx, "Excursion", {
    batch: batch.key,
    gtin: batch.gtin,
    lot: batch.lot,
    deviceId,
    custodian: alarms[0].custodian,
    holders: alarms[0].holders,
    excursions: detailed(readings, alarms),
    excursionsOmitted: Math.max(0, alarms.length - EXCURSION_EVENT_ALARMS_MAX),
    quarantined: true,
    txId,
  });
}
