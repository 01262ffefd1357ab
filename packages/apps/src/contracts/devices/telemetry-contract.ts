import { ErrorCode } from "@citychain/protocol";
import { type AppContext, AppContract } from "../shared/app-contract.ts";
import { integerArg, jsonArg } from "../shared/args.ts";
import { blockTimeMs } from "../shared/block-time.ts";
import { callerOf, requireOrg, requireRole } from "../shared/caller.ts";
import { appError } from "../shared/errors.ts";
import { emitEvent } from "../shared/events.ts";
import { KeyType, seqKeyPart } from "../shared/keys.ts";
import { type AnchorBatch, parseAnchorBatch } from "./anchor-input.ts";
import { deviceIdArg, requireActiveDevice } from "./device-store.ts";

/** An anchored batch, numbered per gateway. */
export interface AnchorRecord extends AnchorBatch {
  gatewayId: string;
  seq: number;
  org: string;
  anchoredMs: number;
  txId: string;
}

/** Where a gateway's anchors stand: the last sequence number and the end of its time span. */
interface GatewayCursor {
  gatewayId: string;
  lastSeq: number;
  lastToMs: number;
}

/**
 * Telemetry anchors (`Telemetry:*`). A gateway — a registered device of
 * the signer's organisation — anchors the Merkle root of each batch of
 * readings it verified; anchors are numbered and their time spans may not
 * overlap, so a batch cannot be anchored twice.
 */
export class Telemetry extends AppContract {
  constructor() {
    super("Telemetry");
  }

  /** `Anchor(gatewayId, batchJson)`: `{root, count, fromMs, toMs, devices, rejected: {unknownDevice, revoked, badSignature, replayed}}`. */
  async Anchor(ctx: AppContext, gatewayId: string, batchJson: string): Promise<AnchorRecord> {
    const caller = callerOf(ctx);
    requireRole(caller, ["admin", "node", "device"], "anchoring telemetry");
    const gateway = await requireActiveDevice(ctx.state, deviceIdArg(gatewayId, "gatewayId"), "gatewayId");
    requireOrg(caller, gateway.operator, `anchoring for gateway ${gateway.id}`);
    const nowMs = blockTimeMs(ctx);
    const batch = parseAnchorBatch(jsonArg(batchJson, "batchJson"), nowMs);
    const cursorKey = ctx.state.key(KeyType.gateway, [gateway.id]);
    const cursor = await ctx.state.get<GatewayCursor>(cursorKey);
    if (cursor !== undefined && batch.fromMs < cursor.lastToMs) {
      throw appError(
        ErrorCode.TELEMETRY_ANCHOR_REPLAYED,
        `batchJson fromMs ${batch.fromMs} is before the end (${cursor.lastToMs}) of anchor ${cursor.lastSeq} of gateway ${gateway.id}; readings are anchored once, in time order`,
      );
    }
    for (const [i, id] of batch.devices.entries()) await requireActiveDevice(ctx.state, id, `batchJson devices[${i}]`);
    const seq = (cursor?.lastSeq ?? 0) + 1;
    const record: AnchorRecord = {
      ...batch,
      gatewayId: gateway.id,
      seq,
      org: caller.org,
      anchoredMs: nowMs,
      txId: ctx.stub.getTxID(),
    };
    ctx.state.put(ctx.state.key(KeyType.anchor, [gateway.id, seqKeyPart(seq)]), record);
    ctx.state.put(cursorKey, { gatewayId: gateway.id, lastSeq: seq, lastToMs: batch.toMs } satisfies GatewayCursor);
    emitEvent(ctx, "TelemetryAnchored", {
      gatewayId: gateway.id,
      seq,
      root: batch.root,
      count: batch.count,
      fromMs: batch.fromMs,
      toMs: batch.toMs,
      txId: record.txId,
    });
    return record;
  }

  /** `Get(gatewayId, seq)`: one anchor (seq from 1). */
  async Get(ctx: AppContext, gatewayId: string, seq: string): Promise<AnchorRecord> {
    const id = deviceIdArg(gatewayId, "gatewayId");
    const n = integerArg(seq, "seq", 1, 999_999_999_999);
    const record = await ctx.state.get<AnchorRecord>(ctx.state.key(KeyType.anchor, [id, seqKeyPart(n)]));
    if (record === undefined) throw appError(ErrorCode.APP_NOT_FOUND, `gateway ${id} has no anchor ${n}`);
    return record;
  }
}
