// Figures of bench-gateway.ts (not exported by the package).
import { loadavg } from "node:os";

export const fmt = (n: number): string => Math.round(n).toLocaleString("en");

export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}

/** "p50 / p99 ms" of request latencies. */
export function latency(xs: readonly number[]): string {
  return `${percentile(xs, 50).toFixed(0)} / ${percentile(xs, 99).toFixed(0)} ms`;
}

/** The 1, 5 and 15 minute load averages (runnable processes; the machine has 2 cores). */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
}

/** Peak resident memory of this process while `f` runs (sampled every 50 ms), in MiB. */
export async function withPeakRss<T>(f: () => Promise<T>): Promise<{ value: T; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await f();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMiB: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** CPU microseconds (user + system, all threads of this process) spent in `f`. */
export async function withCpu<T>(f: () => Promise<T>): Promise<{ value: T; cpuUs: number }> {
  const before = process.cpuUsage();
  const value = await f();
  const used = process.cpuUsage(before);
  return { value, cpuUs: used.user + used.system };
}
