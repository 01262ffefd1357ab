import { type AppContext, AppContract } from "../shared/app-contract.ts";
import { booleanArg, jsonArg, readArgs } from "../shared/args.ts";
import { BUSINESS_ROLES, callerOf, requireRole } from "../shared/caller.ts";
import { type CaptureAnswer, captureDocument } from "./capture.ts";
import { documentText } from "./document-input.ts";
import { type QueryAnswer, runQuery } from "./query.ts";
import { runTrace, type TraceAnswer } from "./trace.ts";

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
   * `Capture(documentJson, confidential?)`: an EPCIS 2.0 JSON-LD
   * `EPCISDocument`. `confidential` "true" keeps only the hash and the
   * indexable fields (see StoredEvent); pass the document in the transient
   * field `epcis` with an empty documentJson so it stays out of the block
   * too. Answers each event's Event Hash ID.
   */
  async Capture(ctx: AppContext, ...args: string[]): Promise<CaptureAnswer> {
    const [documentJson, confidentialArg] = readArgs(args, "Epcis:Capture", ["documentJson"], ["confidential"]);
    const caller = callerOf(ctx);
    requireRole(caller, BUSINESS_ROLES, "capturing EPCIS events");
    const confidential = booleanArg(confidentialArg, "confidential", false);
    return captureDocument(ctx, caller.org, documentText(ctx, documentJson), confidential);
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
