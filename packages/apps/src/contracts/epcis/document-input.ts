import type { Context } from "@citychain/contract-api";
import { ErrorCode } from "@citychain/protocol";
import type { EpcisProblem } from "../../epcis/problems.ts";
import type { EpcisEvent } from "../../epcis/types.ts";
import { checkEpcisDocument } from "../../epcis/validate-document.ts";
import { CAPTURE_EVENTS_MAX } from "../limits.ts";
import { appError } from "../shared/errors.ts";

/** Name of the transient field that carries a confidential document (never stored in a block). */
export const TRANSIENT_DOCUMENT = "epcis";

/** Problems quoted in the message of EPCIS_DOCUMENT_INVALID (the rest are counted). */
const PROBLEMS_SHOWN_MAX = 100;

/** A validated capture document: its events as sent (for hashing and storage) and normalised. */
export interface CaptureDocument {
  raw: unknown[];
  events: EpcisEvent[];
  context: unknown;
}

/** The label of an event in messages: "event 3 (eventID urn:uuid:...)". */
export function eventLabel(index: number, eventID: unknown): string {
  return `event ${index}${typeof eventID === "string" ? ` (eventID ${eventID})` : ""}`;
}

function describe(p: EpcisProblem): string {
  const where = p.eventIndex === null ? "document" : eventLabel(p.eventIndex, p.eventID);
  return `${where} ${p.path || "(root)"}: ${p.message} [${p.code}]`;
}

/** EPCIS_DOCUMENT_INVALID listing every problem (event, field path, code), one per line. */
export function problemsError(problems: EpcisProblem[]): Error {
  const shown = problems.slice(0, PROBLEMS_SHOWN_MAX).map(describe);
  if (problems.length > PROBLEMS_SHOWN_MAX) shown.push(`(and ${problems.length - PROBLEMS_SHOWN_MAX} more)`);
  return appError(
    ErrorCode.EPCIS_DOCUMENT_INVALID,
    `EPCIS document has ${problems.length} problem(s); nothing was captured:\n${shown.join("\n")}`,
  );
}

/**
 * The document text: the argument, or — when the argument is empty — the
 * transient field `epcis`, which keeps a confidential document out of the
 * block as well as out of state.
 */
export function documentText(ctx: Context, argument: string): string {
  if (argument !== "") return argument;
  const transient = ctx.stub.getTransient().get(TRANSIENT_DOCUMENT);
  if (transient === undefined || transient.length === 0) {
    throw appError(
      ErrorCode.APP_ARGS_INVALID,
      `no EPCIS document: pass it as documentJson or in the transient field "${TRANSIENT_DOCUMENT}"`,
    );
  }
  return new TextDecoder().decode(transient);
}

/** Parses and validates an EPCIS 2.0 JSON-LD capture document; every problem in one coded error. */
export function readCaptureDocument(text: string): CaptureDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw appError(ErrorCode.EPCIS_DOCUMENT_INVALID, `the EPCIS document is not JSON: ${(error as Error).message}`);
  }
  const result = checkEpcisDocument(json, { maxEvents: CAPTURE_EVENTS_MAX });
  if (result.problems.length === 0 && (json as { type?: unknown }).type !== "EPCISDocument") {
    result.problems.push({
      eventIndex: null,
      path: "type",
      code: ErrorCode.EPCIS_FIELD_INVALID,
      message: 'capture takes an "EPCISDocument"',
    });
  }
  if (result.problems.length > 0) throw problemsError(result.problems);
  const raw = (json as { epcisBody: { eventList: unknown[] } }).epcisBody.eventList;
  if (raw.length === 0)
    throw appError(ErrorCode.EPCIS_DOCUMENT_INVALID, "the EPCIS document has no events; nothing to capture");
  return { raw, events: result.events, context: result.context };
}
