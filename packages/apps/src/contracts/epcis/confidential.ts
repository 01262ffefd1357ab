import { ErrorCode } from "@citychain/protocol";
import { eventHashId } from "../../epcis/hash/event-hash.ts";
import type { AppContext } from "../shared/app-contract.ts";
import { appError } from "../shared/errors.ts";
import { documentText, readCaptureDocument } from "./document-input.ts";
import { loadEvent } from "./event-index.ts";
import { hashHexOf } from "./stored-event.ts";

/**
 * Confidential EPCIS event bodies live in a private data collection of the
 * capturing organisation, `confidential-<org>`: its nodes keep them (sealed),
 * every other node holds only their hashes. Writes need that organisation's
 * node to endorse, so they never depend on another organisation's trust.
 */
export function confidentialCollectionOf(orgId: string): string {
  return `confidential-${orgId}`;
}

/** The shape runtime's CollectionConfig has (apps does not depend on runtime). */
export interface AppCollection {
  name: string;
  policy: string;
  memberOrgs: string[];
  requiredPeerCount: number;
  maxPeerCount: number;
  blockToLive: number;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
  endorsementPolicy: string;
}

/** The supplychain contract's collections for the organisations in force: one per organisation. */
export function supplyChainCollections(orgIds: readonly string[]): AppCollection[] {
  return orgIds.map((org) => ({
    name: confidentialCollectionOf(org),
    policy: `OR('${org}.member')`,
    memberOrgs: [org],
    requiredPeerCount: 0,
    maxPeerCount: 0,
    blockToLive: 0,
    memberOnlyRead: true,
    memberOnlyWrite: true,
    endorsementPolicy: `OR('${org}.peer')`,
  }));
}

/**
 * Fields of an event that stay public in a confidential capture: what
 * custody, containment, recall, query and trace need. Everything else
 * (quantities, business transactions, sources and destinations, ILMD,
 * sensor data, extensions) stays in the body.
 */
const PUBLIC_FIELDS = new Set([
  "type",
  "eventID",
  "eventTime",
  "eventTimeZoneOffset",
  "recordTime",
  "action",
  "bizStep",
  "disposition",
  "persistentDisposition",
  "readPoint",
  "bizLocation",
  "epcList",
  "parentID",
  "childEPCs",
  "inputEPCList",
  "outputEPCList",
  "transformationID",
  "errorDeclaration",
]);
const QUANTITY_LISTS = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];

/** An event without its confidential fields; class-level quantities keep only their class (not how many). */
export function redactEvent(event: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (PUBLIC_FIELDS.has(k)) out[k] = v;
  for (const list of QUANTITY_LISTS) {
    const q = event[list];
    if (Array.isArray(q)) out[list] = q.map((e) => ({ epcClass: (e as { epcClass?: unknown }).epcClass }));
  }
  return out;
}

/**
 * Splits an EPCIS document for a confidential capture: the redacted document
 * (what goes in the public `Epcis:Capture`) and each full event's CBV 2.0
 * Event Hash ID (what the chain records, so the body can be proven later).
 */
export function confidentialCapture(documentJson: string): { redactedJson: string; hashes: string[] } {
  const doc = readCaptureDocument(documentJson);
  const hashes = doc.raw.map((event) => eventHashId(event, { context: doc.context, documentEvents: doc.raw }));
  const full = JSON.parse(documentJson) as { epcisBody: { eventList: Record<string, unknown>[] } };
  full.epcisBody.eventList = full.epcisBody.eventList.map(redactEvent);
  return { redactedJson: JSON.stringify(full), hashes };
}

/**
 * `Epcis:KeepConfidential()` with the full document in the transient field
 * `epcis`: each event must have been captured confidentially by the
 * caller's organisation under the same Event Hash ID; its body goes to the
 * organisation's collection. Run through the organisation's node
 * (endorsed): ordered execution cannot see transient data.
 */
export async function keepConfidential(ctx: AppContext, org: string): Promise<{ kept: string[] }> {
  const doc = readCaptureDocument(documentText(ctx, ""));
  const kept: string[] = [];
  for (const [index, raw] of doc.raw.entries()) {
    const hash = eventHashId(raw, { context: doc.context, documentEvents: doc.raw });
    const hex = hashHexOf(hash);
    const stored = await loadEvent(ctx.state, hex);
    if (stored === undefined) {
      throw appError(
        ErrorCode.APP_NOT_FOUND,
        `event ${index} (hash ${hash}) was not captured; capture its redacted form first (citychain epcis capture --confidential does both)`,
      );
    }
    if (stored.capturer !== org || !stored.confidential) {
      throw appError(
        ErrorCode.APP_FORBIDDEN,
        `event ${index} (hash ${hash}) was not captured confidentially by ${org}; only its capturer keeps its body`,
      );
    }
    await ctx.stub.putPrivateData(
      confidentialCollectionOf(org),
      hex,
      Buffer.from(JSON.stringify({ event: raw, context: doc.context })),
    );
    kept.push(hash);
  }
  return { kept };
}

/** `Epcis:ConfidentialEvent(hash)`: the full body, for the capturer's members, on its nodes. */
export async function confidentialEvent(ctx: AppContext, hash: string): Promise<unknown> {
  const hex = /^[0-9a-f]{64}$/.test(hash) ? hash : hashHexOfArg(hash);
  const stored = await loadEvent(ctx.state, hex);
  if (stored === undefined) throw appError(ErrorCode.APP_NOT_FOUND, `no event with hash ${hash} was captured`);
  if (!stored.confidential)
    throw appError(ErrorCode.APP_ARGS_INVALID, `event ${hash} is public: read it with Epcis:Query`);
  const body = await ctx.stub.getPrivateData(confidentialCollectionOf(stored.capturer), hex);
  if (!body || body.length === 0) {
    throw appError(
      ErrorCode.APP_NOT_FOUND,
      `the capturer ${stored.capturer} has not kept the body of event ${hash} on chain`,
    );
  }
  return JSON.parse(body.toString());
}

function hashHexOfArg(hash: string): string {
  try {
    return hashHexOf(hash);
  } catch {
    throw appError(
      ErrorCode.APP_ARGS_INVALID,
      "hash must be an Event Hash ID (ni:///sha-256;...?ver=CBV2.0) or 64 hex digits",
    );
  }
}
