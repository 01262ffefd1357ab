import { assert, CityChainError, ErrorCode } from "@citychain/protocol";
import { PRIORITY_WINDOW_SIZE_FACTOR, TOTAL_VOTING_POWER_MAX, VALIDATORS_MAX } from "./limits.ts";
import type { ValidatorPower } from "./types.ts";

/** A validator with its proposer priority (CometBFT's ProposerPriority). */
export interface ProposerEntry {
  readonly address: Uint8Array;
  readonly power: number;
  readonly priority: number;
}

/**
 * The weighted round-robin state of one height, as in CometBFT: validators
 * sorted by address with their priorities, and the index of the proposer of
 * round 0. Every node derives the same state from the same chain, so every
 * node agrees on the proposer of every round without talking.
 */
export interface ProposerState {
  readonly validators: readonly ProposerEntry[];
  readonly proposerIndex: number;
}

function compareAddress(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Total voting power of a set. */
export function totalPowerOf(validators: readonly { power: number }[]): number {
  let total = 0;
  for (const v of validators) total += v.power;
  return total;
}

function invalid(message: string): CityChainError<{ code: "CONSENSUS_VALIDATORS_INVALID" }> {
  return new CityChainError({ code: ErrorCode.CONSENSUS_VALIDATORS_INVALID }, message);
}

/** Checks a validator set: non-empty, bounded, positive integer powers, distinct addresses. */
export function checkValidatorSet(validators: readonly ValidatorPower[]): void {
  if (validators.length === 0) throw invalid("the validator set is empty");
  if (validators.length > VALIDATORS_MAX)
    throw invalid(`the validator set has ${validators.length} validators; at most ${VALIDATORS_MAX} are allowed`);
  const seen = new Set<string>();
  for (const v of validators) {
    if (!Number.isSafeInteger(v.power) || v.power <= 0)
      throw invalid(`validator power must be a positive integer, got ${v.power}`);
    const key = Buffer.from(v.address).toString("hex");
    if (seen.has(key)) throw invalid(`validator ${key} is listed twice`);
    seen.add(key);
  }
  const total = totalPowerOf(validators);
  if (total > TOTAL_VOTING_POWER_MAX)
    throw invalid(`total voting power ${total} exceeds the limit ${TOTAL_VOTING_POWER_MAX}`);
}

/** Priorities in one mutable array, for the increment loop. */
function rescaleAndCenter(priorities: number[], total: number): void {
  // Keeps the spread of priorities proportional to the total power, so a
  // validator that joins or is skipped for long cannot dominate (CometBFT RescalePriorities).
  const diffMax = PRIORITY_WINDOW_SIZE_FACTOR * total;
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  for (const p of priorities) {
    if (p > max) max = p;
    if (p < min) min = p;
  }
  const diff = max - min;
  if (diff > diffMax) {
    const ratio = Math.ceil(diff / diffMax);
    for (let i = 0; i < priorities.length; i++) priorities[i] = Math.trunc(priorities[i] / ratio);
  }
  // Centre on zero (Go's big.Int division floors for a positive divisor).
  let sum = 0;
  for (const p of priorities) sum += p;
  const avg = Math.floor(sum / priorities.length);
  for (let i = 0; i < priorities.length; i++) priorities[i] -= avg;
}

/** One step of the round robin: everyone gains their power, the richest proposes and pays the total. */
function incrementOnce(priorities: number[], powers: readonly number[], total: number): number {
  let best = -1;
  for (let i = 0; i < priorities.length; i++) {
    priorities[i] += powers[i];
    // Strictly greater: on a tie the lower address (earlier in the sorted list) wins.
    if (best === -1 || priorities[i] > priorities[best]) best = i;
  }
  priorities[best] -= total;
  assert(Number.isSafeInteger(priorities[best]), "proposer priority left the safe integer range");
  return best;
}

/** CometBFT's IncrementProposerPriority(times): rescale and centre once, then `times` steps. */
export function incrementProposerPriority(state: ProposerState, times: number): ProposerState {
  assert(Number.isSafeInteger(times) && times >= 1, "incrementProposerPriority needs times >= 1");
  const powers = state.validators.map((v) => v.power);
  const priorities = state.validators.map((v) => v.priority);
  const total = totalPowerOf(state.validators);
  rescaleAndCenter(priorities, total);
  let proposerIndex = -1;
  for (let i = 0; i < times; i++) proposerIndex = incrementOnce(priorities, powers, total);
  return {
    validators: state.validators.map((v, i) => ({ address: v.address, power: v.power, priority: priorities[i] })),
    proposerIndex,
  };
}

/** The proposer state of the first height: all priorities zero, then one increment (as CometBFT's NewValidatorSet). */
export function genesisProposerState(validators: readonly ValidatorPower[]): ProposerState {
  checkValidatorSet(validators);
  const sorted = [...validators]
    .sort((a, b) => compareAddress(a.address, b.address))
    .map((v) => ({ address: v.address, power: v.power, priority: 0 }));
  return incrementProposerPriority({ validators: sorted, proposerIndex: 0 }, 1);
}

/** The proposer state of the next height: one increment, whatever round the height was decided in. */
export function nextHeightProposerState(state: ProposerState): ProposerState {
  return incrementProposerPriority(state, 1);
}

/** The proposer of `round` at the height described by `state`. */
export function proposerAt(state: ProposerState, round: number): Uint8Array {
  assert(Number.isSafeInteger(round) && round >= 0, "round must be a non-negative integer");
  if (round === 0) return state.validators[state.proposerIndex].address;
  const advanced = incrementProposerPriority(state, round);
  return advanced.validators[advanced.proposerIndex].address;
}

/**
 * Proposers of successive rounds of one height, computed once each:
 * proposerAt(state, r) for every r costs O(r) steps, this costs O(1) per new round.
 */
export class ProposerSchedule {
  private readonly byRound: number[];
  private readonly priorities: number[];
  private readonly powers: number[];
  private readonly total: number;

  constructor(readonly state: ProposerState) {
    this.byRound = [state.proposerIndex];
    this.powers = state.validators.map((v) => v.power);
    this.priorities = state.validators.map((v) => v.priority);
    this.total = totalPowerOf(state.validators);
    // incrementProposerPriority(state, r) rescales once and then steps r times, so the
    // proposer of round r is the r-th step from this one rescaled starting point.
    rescaleAndCenter(this.priorities, this.total);
  }

  /** Index (in state.validators) of the proposer of the round. */
  indexAt(round: number): number {
    assert(Number.isSafeInteger(round) && round >= 0, "round must be a non-negative integer");
    while (this.byRound.length <= round) this.byRound.push(incrementOnce(this.priorities, this.powers, this.total));
    return this.byRound[round];
  }

  proposerAt(round: number): Uint8Array {
    return this.state.validators[this.indexAt(round)].address;
  }
}
