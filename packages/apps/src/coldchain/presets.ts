import { policyOfProfile } from "./policy.ts";
import type { ColdChainPolicy, ColdChainProfile } from "./types.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Refrigerated vaccines and most biologics: +2 to +8 °C. The limits are this
 * project's defaults, not a WHO figure: a single excursion may last 10 h
 * (as the heat alarm of WHO 30-day temperature recorders), 20 h in total, at
 * most 1 h between readings, and a freeze alarm at -0.5 °C for 1 h.
 */
export const vaccine2to8Profile: ColdChainProfile = {
  minC: 2,
  maxC: 8,
  singleExcursionMaxMs: 10 * HOUR,
  cumulativeExcursionMaxMs: 20 * HOUR,
  maxGapMs: HOUR,
  lowAlarm: { thresholdC: -0.5, durationMs: HOUR },
};

/**
 * Alarm presets. Sources (read 2025 through the project's search tool):
 *
 * - WHO PQS E006/TR07, electronic shipping indicators ("10-day" devices for
 *   international vaccine shipments), as quoted by a PQS-prequalified maker
 *   (LogTag USRID-16W1/16W2 manual, "alarms are triggered ... according to
 *   the PQS specification") and by WHO's own step-by-step guide for Q-tag 2
 *   plus (WHO/IVB, 2007-2009); both agree:
 *   Type 1 (DTP, DT, TT, Td, HepB, IPV, liquid Hib, combinations):
 *     >= +45 °C single 1 h; >= +30 °C cumulative 10 h; <= -0.5 °C single 1 h.
 *   Type 2 (OPV, freeze-dried BCG, measles, MR, MMR, lyophilised Hib, yellow
 *   fever, meningitis): >= +45 °C single 1 h; >= +30 °C cumulative 10 h;
 *   >= +10 °C cumulative 20 h. Thresholds are inclusive ("a value of +30.0 °C
 *   will trigger an alarm"); an alarm needs the time to be exceeded.
 * - WHO PQS E006/TR06, 30-day temperature recorders for refrigerators: heat
 *   alarm above +8 °C for 10 h continuous, freeze alarm at or below -0.5 °C
 *   for 60 min. These two figures come from the project brief; the sources
 *   found describe devices "compliant to E006/TR06" without quoting them, so
 *   they are not independently confirmed here.
 *
 * The shipping indicators log continuously by construction, so their
 * presets raise no gap alarm (maxGapMs null); set one when readings come
 * over a network.
 */
export const coldChainPresets: Readonly<Record<string, ColdChainPolicy>> = {
  vaccine2to8: policyOfProfile(vaccine2to8Profile),
  freezeAlarm: {
    rules: [{ id: "freeze", kind: "single", condition: { op: "<=", milliC: -500 }, limitMs: HOUR }],
    maxGapMs: null,
  },
  whoPqsType1: {
    rules: [
      { id: "heat-45-single", kind: "single", condition: { op: ">=", milliC: 45_000 }, limitMs: HOUR },
      { id: "heat-30-cumulative", kind: "cumulative", condition: { op: ">=", milliC: 30_000 }, limitMs: 10 * HOUR },
      { id: "freeze", kind: "single", condition: { op: "<=", milliC: -500 }, limitMs: HOUR },
    ],
    maxGapMs: null,
  },
  whoPqsType2: {
    rules: [
      { id: "heat-45-single", kind: "single", condition: { op: ">=", milliC: 45_000 }, limitMs: HOUR },
      { id: "heat-30-cumulative", kind: "cumulative", condition: { op: ">=", milliC: 30_000 }, limitMs: 10 * HOUR },
      { id: "heat-10-cumulative", kind: "cumulative", condition: { op: ">=", milliC: 10_000 }, limitMs: 20 * HOUR },
    ],
    maxGapMs: null,
  },
  who30DayRecorder: {
    rules: [
      { id: "heat", kind: "single", condition: { op: ">", milliC: 8_000 }, limitMs: 10 * HOUR },
      { id: "freeze", kind: "single", condition: { op: "<=", milliC: -500 }, limitMs: 60 * MINUTE },
    ],
    maxGapMs: null,
  },
};
