import type { Prng } from "./prng.ts";
import type { PartitionSpec, SimConfig } from "./scenario.ts";

/** Whether `from` can reach `to` at `timeMs` under the configured partitions. */
export function reachable(partitions: readonly PartitionSpec[], from: number, to: number, timeMs: number): boolean {
  for (const p of partitions) {
    if (timeMs < p.fromMs || timeMs >= p.toMs) continue;
    if (p.kind === "symmetric") {
      if (!p.groups.some((g) => g.includes(from) && g.includes(to))) return false;
    } else if (p.blocked.some(([a, b]) => a === from && b === to)) {
      return false;
    }
  }
  return true;
}

/**
 * The fate of one message: the delays after which copies arrive (none if
 * lost, two if duplicated). Independent random delays reorder messages.
 * Before heal the configured loss applies; after heal nothing is lost, which
 * is the "eventually synchronous" period in which liveness is owed.
 */
export function deliveries(config: SimConfig, rng: Prng, from: number, to: number, timeMs: number): number[] {
  if (!reachable(config.partitions, from, to, timeMs)) return [];
  const healed = timeMs >= config.healMs;
  if (!healed && rng.chance(config.lossRate)) return [];
  const delay = (): number => rng.int(config.delayMinMs, config.delayMaxMs);
  if (rng.chance(config.duplicateRate)) return [delay(), delay()];
  return [delay()];
}
