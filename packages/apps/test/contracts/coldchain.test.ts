import { beforeEach, describe, expect, it } from "vitest";
import { EXCURSION_EVENT_ALARMS_MAX, EXCURSION_READINGS_MAX } from "../../src/contracts/index.ts";
import { FACTORY, factory, iotAdmin, itemUri, readings, VACCINE } from "./helpers/fixtures.ts";
import { ed25519Key } from "./helpers/keys.ts";
import { TestLedger } from "./helpers/ledger.ts";

const DEVICE = "urn:dev:probe-1";
const HOUR = 3_600_000;
let ledger: TestLedger;

beforeEach(async () => {
  ledger = new TestLedger();
  expect(
    (await ledger.submit(factory, "Products:RegisterItems", [VACCINE, "C1", "271231", '["P1","P2"]'])).message,
  ).toBe("");
  expect((await ledger.submit(iotAdmin, "Devices:Register", [DEVICE, ed25519Key(9).pem])).message).toBe("");
});

describe("ColdChain rules", () => {
  it("applies a custom profile: a freeze below its low alarm names the item's custodian", async () => {
    const profile = {
      minC: 2,
      maxC: 8,
      singleExcursionMaxMs: 2 * HOUR,
      cumulativeExcursionMaxMs: 4 * HOUR,
      maxGapMs: HOUR,
      lowAlarm: { thresholdC: 0, durationMs: HOUR / 2 },
    };
    const set = await ledger.submit(factory, "ColdChain:SetProfile", [VACCINE, JSON.stringify(profile)]);
    expect(set.value).toMatchObject({ source: "custom" });
    const cold = await ledger.submit(iotAdmin, "ColdChain:RecordReadings", [
      itemUri("P1"),
      DEVICE,
      JSON.stringify(readings(ledger.timeMs - 2 * HOUR, 1, -1, 10)),
    ]);
    expect(cold.message).toBe("");
    expect(cold.events).toHaveLength(1);
    expect(cold.events[0].payload).toMatchObject({
      custodian: FACTORY,
      excursions: [{ ruleId: "low-alarm", custodian: FACTORY, minC: -1, maxC: -1 }],
    });
  });

  it("raises gap alarms for missing readings, and keeps a gap-ridden batch's event small", async () => {
    await ledger.submit(factory, "ColdChain:SetProfile", [VACCINE, "vaccine2to8"]);
    const sparse = readings(ledger.timeMs - 1000 * 2 * HOUR, 1998, 5, 120);
    const result = await ledger.submit(iotAdmin, "ColdChain:RecordReadings", [
      `01/${VACCINE}/10/C1`,
      DEVICE,
      JSON.stringify(sparse),
    ]);
    expect(result.message).toBe("");
    const payload = result.events[0].payload as {
      excursions: Array<{ kind: string; readings: unknown[] }>;
      excursionsOmitted: number;
    };
    expect(payload.excursions).toHaveLength(EXCURSION_EVENT_ALARMS_MAX);
    expect(payload.excursions.every((e) => e.kind === "gap")).toBe(true);
    expect(payload.excursionsOmitted).toBeGreaterThan(900);
    expect(payload.excursions.reduce((n, e) => n + e.readings.length, 0)).toBeLessThanOrEqual(EXCURSION_READINGS_MAX);
    expect(JSON.stringify(payload).length).toBeLessThan(64 * 1024);
    const status = (await ledger.evaluate(factory, "ColdChain:Status", [`01/${VACCINE}/10/C1`])).value as {
      status: string;
      series: Array<{ alarmCount: number; alarms: unknown[] }>;
    };
    expect(status.status).toBe("quarantined");
    expect(status.series[0].alarms.length).toBeLessThanOrEqual(256);
  });

  it("gives the same alarms whether readings come in one call or several", async () => {
    await ledger.submit(factory, "ColdChain:SetProfile", [VACCINE, "whoPqsType2"]);
    const warm = readings(ledger.timeMs - 30 * HOUR, 24, 12, 15);
    const other = new TestLedger();
    await other.submit(factory, "Products:RegisterItems", [VACCINE, "C1", "271231", '["P1","P2"]']);
    await other.submit(iotAdmin, "Devices:Register", [DEVICE, ed25519Key(9).pem]);
    await other.submit(factory, "ColdChain:SetProfile", [VACCINE, "whoPqsType2"]);
    const once = await ledger.submit(iotAdmin, "ColdChain:RecordReadings", [
      `01/${VACCINE}/10/C1`,
      DEVICE,
      JSON.stringify(warm),
    ]);
    const alarmsInParts: string[] = [];
    for (let i = 0; i < warm.length; i += 20) {
      const part = await other.submit(iotAdmin, "ColdChain:RecordReadings", [
        `01/${VACCINE}/10/C1`,
        DEVICE,
        JSON.stringify(warm.slice(i, i + 20)),
      ]);
      alarmsInParts.push(...(part.value as { batches: Array<{ newAlarms: string[] }> }).batches[0].newAlarms);
    }
    expect((once.value as { batches: Array<{ newAlarms: string[] }> }).batches[0].newAlarms).toEqual(alarmsInParts);
    expect(alarmsInParts).toEqual([expect.stringMatching(/^heat-10-cumulative@/)]);
  });
});
