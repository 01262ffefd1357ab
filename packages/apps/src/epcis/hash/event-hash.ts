import { bytesToHex, sha256, utf8ToBytes } from "@citychain/protocol";
import { expandedVocabulary, replaceBareStrings } from "./bare-strings.ts";
import { JsonTreeBuilder } from "./json-tree.ts";
import { prehashOfTree } from "./prehash.ts";
import { correctStructure } from "./structure.ts";

/**
 * The EPCIS Event Hash ID of CBV 2.0 section 8.9
 * (`ni:///sha-256;<hex>?ver=CBV2.0`): a SHA-256 over a canonical "pre-hash
 * string" of the event, so the same event hashes the same whether written in
 * XML or JSON-LD, with keys in any order, bare or URI vocabulary, EPC URNs or
 * Digital Link URIs. This follows the reference implementation published
 * with the standard (github.com/RalphTro/epcis-event-hash-generator,
 * CBV 2.0 profile) and is checked against the eventIDs of GS1's own EPCIS
 * 2.0 examples and the reference's test vectors.
 */

/** Where to find the vocabulary an event's bare strings expand against. */
export interface EventHashOptions {
  /** The document's @context (extension prefixes); default none. */
  context?: unknown;
  /**
   * The events whose CBV values decide bare-string expansion; the reference
   * uses the whole document. Defaults to the event itself.
   */
  documentEvents?: readonly unknown[];
}

/** The canonical pre-hash string of one JSON-LD event (for debugging and cross-checks). */
export function eventPrehashString(event: unknown, options: EventHashOptions = {}): string {
  const expanded = expandedVocabulary(options.documentEvents ?? [event]);
  const replaced = replaceBareStrings(event, expanded);
  const tree = new JsonTreeBuilder(options.context).build(replaced);
  return prehashOfTree(correctStructure(tree));
}

/** The EPCIS Event Hash ID of one JSON-LD event. */
export function eventHashId(event: unknown, options: EventHashOptions = {}): string {
  const digest = bytesToHex(sha256(utf8ToBytes(eventPrehashString(event, options))));
  return `ni:///sha-256;${digest}?ver=CBV2.0`;
}

/** Hash IDs of every event of an EPCIS JSON-LD document, in order. */
export function documentEventHashIds(document: {
  "@context"?: unknown;
  epcisBody: { eventList: readonly unknown[] };
}): string[] {
  const events = document.epcisBody.eventList;
  return events.map((e) => eventHashId(e, { context: document["@context"], documentEvents: events }));
}
