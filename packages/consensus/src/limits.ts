/**
 * Bounds of the consensus core. Every map the core keeps is sized by one of
 * these, so a byzantine peer cannot make an honest node grow without limit.
 */

/** Votes and proposals for rounds further ahead than this are ignored (they cannot be counted yet). */
export const ROUNDS_AHEAD_MAX = 64;

/** Distinct proposals kept per round; only an equivocating proposer sends more than one. */
export const PROPOSALS_PER_ROUND_MAX = 4;

/** Messages for the next height kept until that height starts (they would otherwise be lost). */
export const FUTURE_HEIGHT_MESSAGES_MAX = 4_096;

/** Validators in one set. */
export const VALIDATORS_MAX = 1_000;

/**
 * Total voting power of a set. Proposer priorities stay within a few times
 * the total, so this keeps every priority a safe integer.
 */
export const TOTAL_VOTING_POWER_MAX = 2 ** 48;

/** Proposer priorities are rescaled when their spread exceeds this many times the total power (CometBFT). */
export const PRIORITY_WINDOW_SIZE_FACTOR = 2;

/**
 * Distinct values counted per validator in one round and vote type. Only an
 * equivocator signs more than one; the bound keeps it from growing memory.
 */
export const VOTES_PER_VALIDATOR_MAX = 4;
