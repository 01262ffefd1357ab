import { ErrorCode } from "@citychain/protocol";
import { type AppContext, AppContract } from "../shared/app-contract.ts";
import { booleanArg, jsonArg, readArgs } from "../shared/args.ts";
import { BUSINESS_ROLES, callerOf, requireRole } from "../shared/caller.ts";
import { appError } from "../shared/errors.ts";
import { type CaptureAnswer, captureDocument } from "./capture.ts";
import { confidentialEvent, keepConfidential } from "./confidential.ts";
import { documentText } from "./document-input.ts";
import { type QueryAnswer, runQuery } from "./query.ts";
import { runTrace, type TraceAnswer } from "./trace.ts";

const CBV_HASH = /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/;

/**
 * EPCIS 2.0 capture, query and trace (`Epcis:Capture`, `Epcis:Query`,
 * `Epcis:Trace`). Capture is for members, admins and nodes of any
 * organisation; every event is recorded as captured by the signer's
 * organisation, under its signature (the transaction's).
 */
export class Epcis extends AppContract {
  constructor() {
    super("Epcis");
  }

  /**
   * `Capture(documentJson, confidential?, eventHashesJson?)`: an EPCIS 2.0
   * JSON-LD `EPCISDocument`. `confidential` "true" keeps only the hash and
   * the indexable fields (see StoredEvent). To keep the body out of the
   * block as well, capture the redacted document with the full events'
   * Event Hash IDs in `eventHashesJson` (`confidentialCapture` makes both),
   * then `KeepConfidential` through your node. Answers each event's Event
   * Hash ID.
   */
  async Capture(ctx: AppContext, ...args: string[]): Promise<CaptureAnswer> {
    const [documentJson, confidentialArg, hashesArg] = readArgs(
      args,
      "Epcis:Capture",
      ["documentJson"],
      ["confidential", "eventHashesJson"],
    );
    const caller = callerOf(ctx);
    requireRole(caller, BUSINESS_ROLES, "capturing EPCIS events");
    const confidential = booleanArg(confidentialArg, "confidential", false);
    let declared: string[] | undefined;
    if (hashesArg !== undefined && hashesArg !== "") {
      if (!confidential)
        throw appError(ErrorCode.APP_ARGS_INVALID, "eventHashesJson is for confidential captures only");
      const list = jsonArg(hashesArg, "eventHashesJson");
      if (!Array.isArray(list) || list.some((h) => typeof h !== "string" || !CBV_HASH.test(h))) {
        throw appError(
          ErrorCode.APP_ARGS_INVALID,
          "eventHashesJson must be a JSON array of Event Hash IDs (ni:///sha-256;<64 hex>?ver=CBV2.0)",
        );
      }
      declared = list as string[];
    }
    return captureDocument(ctx, caller.org, documentText(ctx, documentJson), confidential, declared);
  }

  /**
   * `KeepConfidential()`, endorsed by the caller's node, with the full
   * document in the transient field `epcis`: stores the bodies of events
   * the caller's organisation captured confidentially in its private
   * collection `confidential-<org>` (only hashes on chain).
   */
  async KeepConfidential(ctx: AppContext): Promise<{ kept: string[] }> {
    const caller = callerOf(ctx);
    requireRole(caller, BUSINESS_ROLES, "keeping confidential EPCIS bodies");
    return keepConfidential(ctx, caller.org);
  }

  /** `ConfidentialEvent(hash)`: a confidential event's full body, for its capturer's members, on its nodes. */
  async ConfidentialEvent(ctx: AppContext, hash: string): Promise<unknown> {
    return confidentialEvent(ctx, hash);
  }

  /**
   * `Query(paramsJson)`: `{"eventType": [...], "GE_eventTime": "...",
   * "LT_eventTime": "...", "EQ_bizStep": [...], "EQ_disposition": [...],
   * "EQ_bizLocation": [...], "EQ_readPoint": [...], "MATCH_epc": [...],
   * "MATCH_anyEPC": [...], "perPage": 100, "nextPageToken": "..."}` (any
   * subset; a single value may replace a list).
   */
  async Query(ctx: AppContext, paramsJson: string): Promise<QueryAnswer> {
    return runQuery(ctx.state, paramsJson === "" ? {} : jsonArg(paramsJson, "paramsJson"));
  }

  /** `Trace(epc, direction)`: direction "backward" (where from) or "forward" (where to). */
  async Trace(ctx: AppContext, epc: string, direction: string): Promise<TraceAnswer> {
    return runTrace(ctx.state, epc, direction);
  }
}
