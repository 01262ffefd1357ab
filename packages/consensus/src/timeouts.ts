import { assert, type ChainParams } from "@citychain/protocol";
import type { TimeoutStep } from "./types.ts";

/** Base durations of the three timeouts and how much each grows per round. */
export interface TimeoutConfig {
  proposeMs: number;
  prevoteMs: number;
  precommitMs: number;
  /** Added per round, so that after the network stabilises some round lasts long enough for everyone. */
  deltaMs: number;
}

/** The timeouts a chain's parameters ask for. */
export function timeoutConfigFromParams(params: ChainParams): TimeoutConfig {
  return {
    proposeMs: params.timeoutProposeMs,
    prevoteMs: params.timeoutPrevoteMs,
    precommitMs: params.timeoutPrecommitMs,
    deltaMs: params.timeoutDeltaMs,
  };
}

/** Duration of a step's timeout in a round: base + round * delta. */
export function timeoutMs(config: TimeoutConfig, step: TimeoutStep, round: number): number {
  assert(Number.isSafeInteger(round) && round >= 0, "round must be a non-negative integer");
  const base = step === "propose" ? config.proposeMs : step === "prevote" ? config.prevoteMs : config.precommitMs;
  return base + round * config.deltaMs;
}
