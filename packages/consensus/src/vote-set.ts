import { assert } from "@citychain/protocol";
import { addressKeyOf, NIL_KEY, type ValueKey, valueKeyOf } from "./hash-key.ts";
import { isQuorum } from "./quorum.ts";
import type { Vote } from "./types.ts";

/** What adding a vote did. */
export type AddVoteResult =
  | { kind: "added" }
  | { kind: "duplicate" }
  /** The validator already voted differently: the first vote stays counted, the second is evidence. */
  | { kind: "conflict"; first: Vote };

/**
 * The votes of one type in one round of one height. Each validator counts
 * once, with its first vote: counting an equivocator twice would let f
 * faulty validators look like 2f.
 */
export class VoteSet {
  private readonly byValidator = new Map<string, Vote>();
  private readonly powerByValue = new Map<ValueKey, number>();
  private power = 0;
  /** Validators already reported for equivocating here, so evidence is emitted once. */
  private readonly reported = new Set<string>();

  constructor(readonly totalPower: number) {}

  add(vote: Vote, validatorPower: number): AddVoteResult {
    const who = addressKeyOf(vote.validator);
    const value = valueKeyOf(vote.blockHash);
    const first = this.byValidator.get(who);
    if (first !== undefined) {
      if (valueKeyOf(first.blockHash) === value) return { kind: "duplicate" };
      if (this.reported.has(who)) return { kind: "duplicate" };
      this.reported.add(who);
      return { kind: "conflict", first };
    }
    this.byValidator.set(who, vote);
    this.powerByValue.set(value, (this.powerByValue.get(value) ?? 0) + validatorPower);
    this.power += validatorPower;
    assert(this.power <= this.totalPower, "votes counted more power than the validator set has");
    return { kind: "added" };
  }

  /** Power of all votes, whatever their value. */
  get anyPower(): number {
    return this.power;
  }

  powerFor(value: ValueKey): number {
    return this.powerByValue.get(value) ?? 0;
  }

  /** The value (possibly nil) holding more than 2/3 of the power; at most one can. */
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
    for (const v of this.byValidator.values()) if (valueKeyOf(v.blockHash) === value) out.push(v);
    return out.sort((a, b) => Buffer.compare(a.validator, b.validator));
  }

  /** The vote of one validator, if any. */
  voteOf(validator: Uint8Array): Vote | undefined {
    return this.byValidator.get(addressKeyOf(validator));
  }
}
