import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkEpcisDocument, type EpcisProblem, validateEpcisDocument } from "../../src/index.ts";
import { readVectors, thrownCode } from "../helpers.ts";

const DIR = join(import.meta.dirname, "..", "vectors", "epcis");
const documents = (sub: string) =>
  readdirSync(join(DIR, sub))
    .filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"))
    .sort();

interface RejectExpectation {
  problems: Array<Pick<EpcisProblem, "eventIndex" | "path" | "code" | "eventID">>;
}

describe("EPCIS documents GS1 publishes and our own (vectors/epcis/accept)", () => {
  it.each(documents("accept"))("accepts %s", (file) => {
    const doc = readVectors<{ epcisBody: { eventList: unknown[] } }>(`epcis/accept/${file}`);
    const result = checkEpcisDocument(doc);
    expect(result.problems, file).toEqual([]);
    expect(result.events.length, file).toBe(doc.epcisBody.eventList.length);
  });

  it("normalises every CBV notation to the bare name and keeps user vocabularies", () => {
    const doc = readVectors("epcis/accept/citychain-cold-chain-journey.json");
    const expected = readVectors<{ eventCount: number; bizSteps: string[]; dispositions: Array<string | null> }>(
      "epcis/accept/citychain-cold-chain-journey.expected.json",
    );
    const { events } = validateEpcisDocument(doc);
    expect(events.length).toBe(expected.eventCount);
    expect(events.map((e) => e.bizStep)).toEqual(expected.bizSteps);
    expect(events.map((e) => e.disposition ?? null)).toEqual(expected.dispositions);
    expect(events[3].destinationList?.[0].type).toBe("owning_party");
    expect(events[4].bizTransactionList?.[0].type).toBe("inv");
  });
});

describe("invalid EPCIS documents (vectors/epcis/reject)", () => {
  it.each(documents("reject"))("reports the expected problems for %s", (file) => {
    const doc = readVectors(`epcis/reject/${file}`);
    const expected = readVectors<RejectExpectation>(`epcis/reject/${file.replace(/\.json$/, ".expected.json")}`);
    const { problems } = checkEpcisDocument(doc);
    const found = problems.map(({ eventIndex, path, code, eventID }) =>
      eventID === undefined ? { eventIndex, path, code } : { eventIndex, path, code, eventID },
    );
    expect(found, file).toEqual(expected.problems);
    for (const p of problems) expect(p.message.length, `${file} ${p.path}`).toBeGreaterThan(5);
    expect(thrownCode(() => validateEpcisDocument(doc))?.code, file).toBe("EPCIS_DOCUMENT_INVALID");
  });

  it("refuses a document over the event limit before reading any event", () => {
    const doc = readVectors<{ epcisBody: { eventList: unknown[] } }>("epcis/accept/gs1-Example_9.6.1-ObjectEvent.json");
    const { problems, events } = checkEpcisDocument(doc, { maxEvents: 1 });
    expect(events).toEqual([]);
    expect(problems.map((p) => [p.eventIndex, p.path, p.code])).toEqual([
      [null, "epcisBody.eventList", "EPCIS_EVENT_LIMIT_EXCEEDED"],
    ]);
  });

  it("never throws on arbitrary JSON", () => {
    for (const junk of [null, 7, "x", [], {}, { epcisBody: { eventList: [null, 1, []] } }]) {
      expect(checkEpcisDocument(junk).problems.length, JSON.stringify(junk)).toBeGreaterThan(0);
    }
  });
});
