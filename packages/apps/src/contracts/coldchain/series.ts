import { coldChainResult, continueColdChain, startColdChain } from "../../coldchain/evaluate.ts";
import type { ColdChainState } from "../../coldchain/state.ts";
import type { ColdChainEvaluation, ColdChainPolicy, Excursion, Reading } from "../../coldchain/types.ts";
import { ALARMS_PER_SERIES_MAX } from "../limits.ts";
import { KeyType } from "../shared/keys.ts";
import type { StateCache } from "../shared/state-cache.ts";

/** An alarm as the chain records it, with who held the goods when its limit was passed. */
export interface AlarmRecord {
  /** `<ruleId>@<startMs>`: the same excursion keeps its id while it goes on. */
  id: string;
  ruleId: string;
  kind: Excursion["kind"];
  startMs: number;
  endMs: number;
  durationMs: number;
  limitReachedAtMs: number;
  minC: number | null;
  maxC: number | null;
  custodian: string | null;
  holders: string[];
  txId: string;
}

/**
 * The readings of one device about one batch, evaluated incrementally: the
 * library's state (a JSON value) is kept between calls, so readings sent in
 * any number of calls give the result one call would. Excursion ids
 * already reported are remembered, so an alarm is raised once.
 */
export interface SeriesRecord {
  batchKey: string;
  deviceId: string;
  /** The preset or "custom" policy the series started with (a later profile change applies to new series). */
  source: string;
  state: ColdChainState;
  reported: string[];
  /** The latest alarms (at most ALARMS_PER_SERIES_MAX), and how many there were. */
  alarms: AlarmRecord[];
  alarmCount: number;
}

export function excursionId(excursion: Excursion): string {
  return `${excursion.ruleId}@${excursion.startMs}`;
}

function seriesKey(state: StateCache, batchKey: string, deviceId: string): string {
  return state.key(KeyType.series, [batchKey, deviceId]);
}

/** Adds readings to the series of (batch, device); answers the evaluation and the excursions not reported before. */
export async function advanceSeries(
  state: StateCache,
  batchKey: string,
  deviceId: string,
  rules: { source: string; policy: ColdChainPolicy },
  readings: Reading[],
): Promise<{ series: SeriesRecord; result: ColdChainEvaluation; fresh: Excursion[] }> {
  const key = seriesKey(state, batchKey, deviceId);
  const series: SeriesRecord = (await state.get<SeriesRecord>(key)) ?? {
    batchKey,
    deviceId,
    source: rules.source,
    state: startColdChain(rules.policy),
    reported: [],
    alarms: [],
    alarmCount: 0,
  };
  series.state = continueColdChain(series.state, readings);
  const result = coldChainResult(series.state);
  const fresh = result.excursions.filter((excursion) => !series.reported.includes(excursionId(excursion)));
  series.reported.push(...fresh.map(excursionId));
  return { series, result, fresh };
}

/** Records alarms in the series and stores it. */
export function saveSeries(state: StateCache, series: SeriesRecord, alarms: AlarmRecord[]): void {
  series.alarms.push(...alarms);
  series.alarmCount += alarms.length;
  if (series.alarms.length > ALARMS_PER_SERIES_MAX)
    series.alarms.splice(0, series.alarms.length - ALARMS_PER_SERIES_MAX);
  state.put(seriesKey(state, series.batchKey, series.deviceId), series);
}

/** The series of a batch (one per device), at most `max`. */
export async function seriesOf(state: StateCache, batchKey: string, max: number): Promise<SeriesRecord[]> {
  const page = await state.page<SeriesRecord>(KeyType.series, [batchKey], max);
  return page.entries.map((entry) => entry.value);
}
