import { ErrorCode } from "@citychain/protocol";
import { coldChainResult } from "../../coldchain/evaluate.ts";
import type { ColdChainEvaluation } from "../../coldchain/types.ts";
import { deviceIdArg, requireActiveDevice } from "../devices/device-store.ts";
import { NOTE_CHARS_MAX, RELEASES_PER_BATCH_MAX, STATUS_SERIES_MAX } from "../limits.ts";
import { gtinInput } from "../products/gs1-input.ts";
import { canonicalOf } from "../products/lookup.ts";
import { claimProduct, loadBatchByKey, saveBatch, saveProduct } from "../products/product-store.ts";
import type { BatchRecord, ProductColdChain, QpDecision } from "../products/records.ts";
import { batchStatus, type UnitStatus } from "../products/status.ts";
import { type AppContext, AppContract } from "../shared/app-contract.ts";
import { jsonArg, textArg } from "../shared/args.ts";
import { blockTimeMs } from "../shared/block-time.ts";
import { BUSINESS_ROLES, type Caller, callerOf, requireOrg, requireRole } from "../shared/caller.ts";
import { appError } from "../shared/errors.ts";
import { policyFromArg } from "./profile-input.ts";
import { parseReadings } from "./readings-input.ts";
import { type ReadingsAnswer, recordReadings } from "./record-readings.ts";
import { type AlarmRecord, seriesOf } from "./series.ts";
import { resolveTarget } from "./targets.ts";

/** What `ColdChain:Status` answers for a batch. */
export interface ColdChainStatus {
  batch: BatchRecord;
  status: UnitStatus;
  series: Array<{
    deviceId: string;
    source: string;
    evaluation: ColdChainEvaluation;
    alarms: AlarmRecord[];
    alarmCount: number;
  }>;
}

/**
 * Drug and food cold chain (`ColdChain:*`). The maker sets a product's
 * rules; devices' readings are evaluated per batch and device; an alarm
 * quarantines the batch until a qualified person — certificate attribute
 * `qp=true`, of the maker's organisation or a regulator — releases or
 * destroys it.
 */
export class ColdChain extends AppContract {
  constructor() {
    super("ColdChain");
  }

  /** `SetProfile(gtin, profileJsonOrPresetName)`: by the product's maker (see profile-input.ts for the forms). */
  async SetProfile(ctx: AppContext, gtin: string, profileJsonOrPresetName: string): Promise<ProductColdChain> {
    const caller = callerOf(ctx);
    requireRole(caller, BUSINESS_ROLES, "setting a cold-chain profile");
    const nowMs = blockTimeMs(ctx);
    const product = await claimProduct(ctx.state, caller, gtinInput(gtin), nowMs, ctx.stub.getTxID());
    product.coldChain = { ...policyFromArg(profileJsonOrPresetName), setMs: nowMs, txId: ctx.stub.getTxID() };
    saveProduct(ctx.state, product);
    return product.coldChain;
  }

  /** `RecordReadings(batchKeyOrEpc, deviceId, readingsJson)`: readings `[{timeMs, celsius}]` of a registered, non-revoked device of the signer's organisation. */
  async RecordReadings(
    ctx: AppContext,
    batchKeyOrEpc: string,
    deviceId: string,
    readingsJson: string,
  ): Promise<ReadingsAnswer> {
    const caller = callerOf(ctx);
    requireRole(caller, ["admin", "member", "node", "device"], "recording readings");
    const id = deviceIdArg(deviceId);
    const device = await requireActiveDevice(ctx.state, id, `readingsJson of device ${id} (all readings refused)`);
    requireOrg(caller, device.operator, `sending the readings of device ${id}`);
    const readings = parseReadings(jsonArg(readingsJson, "readingsJson"), blockTimeMs(ctx));
    return recordReadings(ctx, await resolveTarget(ctx.state, batchKeyOrEpc), id, readings);
  }

  /** `Release(batchKey, note)`: a qualified person lifts the quarantine. */
  async Release(ctx: AppContext, batchKey: string, note: string): Promise<BatchRecord> {
    const { batch, decision } = await this.#qpDecision(ctx, batchKey, note, "release");
    if (batch.quarantine === null)
      throw appError(ErrorCode.APP_STATE_CONFLICT, `batch ${batch.key} is not quarantined; nothing to release`);
    batch.quarantine = null;
    batch.releases.push(decision);
    if (batch.releases.length > RELEASES_PER_BATCH_MAX) batch.releases.shift();
    saveBatch(ctx.state, batch);
    return batch;
  }

  /** `Destroy(batchKey, note)`: a qualified person declares the batch destroyed (final). */
  async Destroy(ctx: AppContext, batchKey: string, note: string): Promise<BatchRecord> {
    const { batch, decision } = await this.#qpDecision(ctx, batchKey, note, "destroy");
    batch.destroyed = decision;
    saveBatch(ctx.state, batch);
    return batch;
  }

  /** `Status(batchKey)`: status, quarantine, and per device the evaluation (alarms, MKT). */
  async Status(ctx: AppContext, batchKey: string): Promise<ColdChainStatus> {
    const batch = await this.#batch(ctx, batchKey);
    const series = (await seriesOf(ctx.state, batch.key, STATUS_SERIES_MAX)).map((s) => ({
      deviceId: s.deviceId,
      source: s.source,
      evaluation: coldChainResult(s.state),
      alarms: s.alarms,
      alarmCount: s.alarmCount,
    }));
    return { batch, status: batchStatus(batch, blockTimeMs(ctx)), series };
  }

  async #batch(ctx: AppContext, batchKey: string): Promise<BatchRecord> {
    const key = canonicalOf(batchKey);
    const batch = await loadBatchByKey(ctx.state, key);
    if (batch === undefined)
      throw appError(
        ErrorCode.APP_NOT_FOUND,
        `batch ${key} is not registered (give a batch key such as 01/<gtin>/10/<lot>)`,
      );
    return batch;
  }

  async #qpDecision(
    ctx: AppContext,
    batchKey: string,
    note: string,
    action: string,
  ): Promise<{ batch: BatchRecord; decision: QpDecision }> {
    const caller: Caller = callerOf(ctx);
    const batch = await this.#batch(ctx, batchKey);
    if (!caller.qualifiedPerson || (caller.org !== batch.maker && !caller.regulator)) {
      throw appError(
        ErrorCode.APP_FORBIDDEN,
        `to ${action} ${batch.key} the signer must be a qualified person (attribute qp=true) of ${batch.maker} or a regulator`,
      );
    }
    if (batch.destroyed !== null)
      throw appError(
        ErrorCode.APP_STATE_CONFLICT,
        `batch ${batch.key} was destroyed in transaction ${batch.destroyed.txId}`,
      );
    const decision: QpDecision = {
      atMs: blockTimeMs(ctx),
      byOrg: caller.org,
      byId: caller.id,
      note: textArg(note, "note", NOTE_CHARS_MAX),
      txId: ctx.stub.getTxID(),
    };
    return { batch, decision };
  }
}
