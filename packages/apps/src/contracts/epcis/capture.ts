import { ErrorCode } from "@citychain/protocol";
import { eventHashId } from "../../epcis/hash/event-hash.ts";
import { parseDateTimeMs } from "../../epcis/time.ts";
import type { EpcisAction, EpcisEvent } from "../../epcis/types.ts";
import { CAPTURE_EPCS_MAX } from "../limits.ts";
import type { AppContext } from "../shared/app-contract.ts";
import { blockTimeMs } from "../shared/block-time.ts";
import { appError } from "../shared/errors.ts";
import { emitEvent } from "../shared/events.ts";
import { checkKeyPart } from "../shared/keys.ts";
import { applyCustodyRules } from "./custody-rules.ts";
import { eventLabel, readCaptureDocument } from "./document-input.ts";
import { loadEvent, saveEvent } from "./event-index.ts";
import { checkIdentifiers } from "./identifiers.ts";
import { eventEpcsOf, hashHexOf, type StoredEvent } from "./stored-event.ts";

/** What a capture answers: each event's position, eventID and Event Hash ID. */
export interface CaptureAnswer {
  captured: number;
  events: Array<{ index: number; eventID: string | null; hash: string }>;
  txId: string;
}

/**
 * Captures an EPCIS 2.0 document for the caller's organisation: validation
 * (all problems at once), identifiers, duplicates, custody and
 * containment, then each event with its indexes, in document order (an
 * event sees the effect of those before it). Any rejection throws, and the
 * runtime discards every write of the transaction: nothing partial is kept.
 */
export async function captureDocument(
  ctx: AppContext,
  org: string,
  text: string,
  confidential: boolean,
  /** For a confidential capture of a redacted document: the full events' Event Hash IDs (see confidential.ts). */
  declaredHashes?: string[],
): Promise<CaptureAnswer> {
  const { state } = ctx;
  const doc = readCaptureDocument(text);
  if (declaredHashes !== undefined && declaredHashes.length !== doc.raw.length) {
    throw appError(
      ErrorCode.APP_ARGS_INVALID,
      `eventHashesJson lists ${declaredHashes.length} hashes for ${doc.raw.length} events; give one per event, in order`,
    );
  }
  const hashes =
    declaredHashes ?? doc.raw.map((event) => eventHashId(event, { context: doc.context, documentEvents: doc.raw }));
  const nowMs = blockTimeMs(ctx);
  const txId = ctx.stub.getTxID();
  let references = 0;
  const seen = new Map<string, number>();
  const answer: CaptureAnswer = { captured: 0, events: [], txId };
  for (const [index, event] of doc.events.entries()) {
    const raw = doc.raw[index] as Record<string, unknown>;
    const where = eventLabel(index, event.eventID);
    const hash = hashes[index];
    const hex = hashHexOf(hash);
    const earlier = seen.get(hex);
    if (earlier !== undefined) {
      throw appError(
        ErrorCode.EPCIS_EVENT_DUPLICATE,
        `${where} repeats ${eventLabel(earlier, doc.events[earlier].eventID)} (event hash ${hash}); send each event once`,
      );
    }
    seen.set(hex, index);
    const stored = await loadEvent(state, hex);
    if (stored !== undefined) {
      throw appError(
        ErrorCode.EPCIS_EVENT_DUPLICATE,
        `${where} was already captured by ${stored.capturer} in transaction ${stored.txId} (event hash ${hash}); remove it from the document`,
      );
    }
    references += await checkIdentifiers(state, raw, where);
    if (references > CAPTURE_EPCS_MAX) {
      throw appError(
        ErrorCode.APP_LIMIT_EXCEEDED,
        `${where}: the document names more than ${CAPTURE_EPCS_MAX} identifiers; split it into several captures`,
      );
    }
    const timeMs = parseDateTimeMs(event.eventTime) as number;
    if (timeMs < 0)
      throw appError(
        ErrorCode.EPCIS_DOCUMENT_INVALID,
        `${where} eventTime: ${event.eventTime} is before 1970, which the chain does not record`,
      );
    for (const [path, value] of [
      ["readPoint.id", event.readPoint?.id],
      ["bizLocation.id", event.bizLocation?.id],
      ["bizStep", event.bizStep],
      ["disposition", event.disposition],
    ] as const) {
      if (value !== undefined) checkKeyPart(value, `${where} ${path}`);
    }
    const epcs = eventEpcsOf(event);
    await applyCustodyRules({ state, org, hash, timeMs, where }, event, epcs);
    saveEvent(state, storedEventOf(event, raw, doc.context, { hash, timeMs, nowMs, org, txId, confidential, epcs }));
    answer.events.push({ index, eventID: event.eventID ?? null, hash });
  }
  answer.captured = answer.events.length;
  emitEvent(ctx, "EpcisCaptured", { capturer: org, confidential, hashes, txId });
  return answer;
}

function storedEventOf(
  event: EpcisEvent,
  raw: unknown,
  context: unknown,
  facts: {
    hash: string;
    timeMs: number;
    nowMs: number;
    org: string;
    txId: string;
    confidential: boolean;
    epcs: StoredEvent["epcs"];
  },
): StoredEvent {
  return {
    hash: facts.hash,
    eventID: event.eventID ?? null,
    eventType: event.type,
    action: (event as { action?: EpcisAction }).action ?? null,
    eventTime: event.eventTime,
    eventTimeMs: facts.timeMs,
    eventTimeZoneOffset: event.eventTimeZoneOffset,
    recordTimeMs: facts.nowMs,
    bizStep: event.bizStep ?? null,
    disposition: event.disposition ?? null,
    readPoint: event.readPoint?.id ?? null,
    bizLocation: event.bizLocation?.id ?? null,
    epcs: facts.epcs,
    capturer: facts.org,
    txId: facts.txId,
    confidential: facts.confidential,
    body: facts.confidential ? null : { event: raw, context },
  };
}
