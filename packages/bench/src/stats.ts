/** Latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarise(latenciesMs: number[]): LatencySummary {
  const s = Float64Array.from(latenciesMs).sort();
  const arr = Array.from(s);
  return {
    count: arr.length,
    minMs: arr[0] ?? Number.NaN,
    p50Ms: percentile(arr, 50),
    p95Ms: percentile(arr, 95),
    p99Ms: percentile(arr, 99),
    maxMs: arr[arr.length - 1] ?? Number.NaN,
  };
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
