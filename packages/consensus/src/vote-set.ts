import { assert } from "@citychain/protocol";
import { addressKeyOf, NIL_KEY, type ValueKey, valueKeyOf } from "./hash-key.ts";
import { VOTES_PER_VALIDATOR_MAX } from "./limits.ts";
import { isQuorum } from "./quorum.ts";
import type { Vote } from "./types.ts";

/** What adding a vote did. */
export type AddVoteResult =
  | { kind: "added" }
  /** Already counted (or over the limit): nothing changed. */
  | { kind: "duplicate" }
  /**
   * Counted, but the validator had voted differently: `first` and the new
   * vote are evidence. Reported for the validator's first conflict only.
   */
  | { kind: "conflict"; first: Vote; report: boolean };

/**
 * The votes of one type in one round of one height.
 *
 * A validator's power counts towards every distinct value it signed, not
 * only its first: otherwise an equivocator that shows different votes to
 * different nodes leaves them unable to see the same quorum (a liveness
 * attack; CometBFT tracks such votes through peer maj23 claims). Safety is
 * unaffected: two values can both pass 2/3 only if the validators that
 * signed both hold more than 1/3 of the power, and those are all faulty.
 * "Any value" totals count each validator once.
 */
export class VoteSet {
  private readonly byValidator = new Map<string, Vote[]>();
  private readonly powerByValue = new Map<ValueKey, number>();
  private power = 0;

  constructor(readonly totalPower: number) {}

  add(vote: Vote, validatorPower: number): AddVoteResult {
    const who = addressKeyOf(vote.validator);
    const value = valueKeyOf(vote.blockHash);
    const votes = this.byValidator.get(who);
    if (votes === undefined) {
      this.byValidator.set(who, [vote]);
      this.power += validatorPower;
      assert(this.power <= this.totalPower, "votes counted more power than the validator set has");
    } else {
      if (votes.some((v) => valueKeyOf(v.blockHash) === value)) return { kind: "duplicate" };
      if (votes.length >= VOTES_PER_VALIDATOR_MAX) return { kind: "duplicate" };
      votes.push(vote);
    }
    const forValue = (this.powerByValue.get(value) ?? 0) + validatorPower;
    assert(forValue <= this.totalPower, "votes for one value counted more power than the set has");
    this.powerByValue.set(value, forValue);
    if (votes === undefined) return { kind: "added" };
    return { kind: "conflict", first: votes[0], report: votes.length === 2 };
  }

  /** Power of the validators that voted, whatever the value (each counted once). */
  get anyPower(): number {
    return this.power;
  }

  powerFor(value: ValueKey): number {
    return this.powerByValue.get(value) ?? 0;
  }

  /** A value (possibly nil) holding more than 2/3 of the power; with less than 1/3 faulty, at most one can. */
  majority(): ValueKey | undefined {
    for (const [value, power] of this.powerByValue) if (isQuorum(power, this.totalPower)) return value;
    return undefined;
  }

  hasQuorumAny(): boolean {
    return isQuorum(this.power, this.totalPower);
  }

  hasNilQuorum(): boolean {
    return isQuorum(this.powerFor(NIL_KEY), this.totalPower);
  }

  /** The votes for one value, sorted by validator address (a deterministic commit certificate). */
  votesFor(value: ValueKey): Vote[] {
    const out: Vote[] = [];
    for (const votes of this.byValidator.values())
      for (const v of votes) if (valueKeyOf(v.blockHash) === value) out.push(v);
    return out.sort((a, b) => Buffer.compare(a.validator, b.validator));
  }

  /** The first vote of one validator, if any. */
  voteOf(validator: Uint8Array): Vote | undefined {
    return this.byValidator.get(addressKeyOf(validator))?.[0];
  }
}
