import { ErrorCode } from "@citychain/protocol";
import { gs1CheckDigit, hasValidCheckDigit } from "../../gs1/check-digit.ts";
import { appError } from "../shared/errors.ts";
import type { StateCache } from "../shared/state-cache.ts";

/** A party GLN claimed by a member organisation: shipments to it may be received by that organisation only. */
export interface PartyRecord {
  gln: string;
  org: string;
  sinceMs: number;
  txId: string;
}

/** Source/destination types that name a party (CBV 2.0 `sdt`, bare or as URN). */
const PARTY_TYPES = new Set(["owning_party", "possessing_party"]);

export function partyKey(gln: string): string {
  return `party/${gln}`;
}

/**
 * The 13-digit GLN of a party identifier: `urn:epc:id:pgln:<prefix>.<ref>`,
 * a GS1 Digital Link with AI 417, or the bare GLN; undefined for anything
 * else (a location, a private identifier), which then restricts nothing.
 */
export function partyGlnOf(value: string): string | undefined {
  const v = value.trim();
  const urn = /^urn:epc:id:pgln:(\d+)\.(\d*)$/.exec(v);
  if (urn && urn[1].length + urn[2].length === 12) {
    const body = urn[1] + urn[2];
    return `${body}${gs1CheckDigit(body)}`;
  }
  const link = /^https?:\/\/[^/]+\/417\/(\d{13})(?:[/?#]|$)/.exec(v);
  const gln = link ? link[1] : /^\d{13}$/.test(v) ? v : undefined;
  return gln !== undefined && hasValidCheckDigit(gln) ? gln : undefined;
}

/** Checks a GLN argument: 13 digits with a valid check digit (or a pgln URN / Digital Link). */
export function partyGlnInput(value: string): string {
  const gln = partyGlnOf(value);
  if (gln === undefined) {
    throw appError(
      ErrorCode.GS1_KEY_INVALID,
      `'${value}' is not a party GLN: give 13 digits with a valid check digit, urn:epc:id:pgln:..., or https://id.gs1.org/417/...`,
    );
  }
  return gln;
}

/**
 * The organisations an event's destinationList sends to: party GLNs (owning
 * or possessing party) that member organisations registered. Empty when
 * none is known, and then any member may receive (the chain cannot tell).
 */
export async function destinationOrgs(
  state: StateCache,
  destinations: ReadonlyArray<{ type: string; destination: string }> | undefined,
): Promise<string[]> {
  const orgs = new Set<string>();
  for (const d of destinations ?? []) {
    const type = d.type.replace(/^urn:epcglobal:cbv:sdt:/, "");
    if (!PARTY_TYPES.has(type)) continue;
    const gln = partyGlnOf(d.destination);
    if (gln === undefined) continue;
    const party = await state.get<PartyRecord>(partyKey(gln));
    if (party) orgs.add(party.org);
  }
  return [...orgs].sort();
}
