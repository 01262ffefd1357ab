import type { Commit } from "@citychain/protocol";
import { bytesToHex } from "@citychain/protocol";
import type { DuplicateVoteEvidence } from "../evidence.ts";
import { isQuorum } from "../quorum.ts";

/** A broken property: the simulator stops at the first one. */
export interface Violation {
  property: "agreement" | "validity" | "honest-double-sign" | "evidence-against-honest" | "wal-order" | "liveness";
  timeMs: number;
  message: string;
}

/**
 * Checks safety as the run goes: at every decision, every signature and every
 * action list of an honest node, which are the only steps at which the
 * checked facts change, so this is the same as checking after every step.
 */
export class SafetyChecker {
  readonly violations: Violation[] = [];
  /** First honest decision per height. */
  private readonly decided = new Map<number, { hash: string; instance: number }>();
  /** Every block any proposer (honest or not) ever built, by hash. */
  private readonly proposed = new Map<string, boolean>();
  /** What each honest validator signed, by "address/height/round/step". */
  private readonly signed = new Map<string, string>();
  evidenceCount = 0;

  constructor(
    private readonly powerOf: (validatorHex: string) => number,
    private readonly totalPower: number,
    private readonly isHonestValidator: (validatorHex: string) => boolean,
  ) {}

  private fail(property: Violation["property"], timeMs: number, message: string): void {
    this.violations.push({ property, timeMs, message });
  }

  /** A proposer built a block; `valid` is what every honest application says of it. */
  onBlockBuilt(hash: string, valid: boolean): void {
    this.proposed.set(hash, valid);
  }

  onSigned(timeMs: number, instance: number, key: string, value: string): void {
    const before = this.signed.get(key);
    if (before === undefined) this.signed.set(key, value);
    else if (before !== value)
      this.fail(
        "honest-double-sign",
        timeMs,
        `honest instance ${instance} signed ${key} for ${value || "nil"} after ${before || "nil"}`,
      );
  }

  onDecide(timeMs: number, instance: number, height: number, hash: string, commit: Commit): void {
    const first = this.decided.get(height);
    if (first === undefined) this.decided.set(height, { hash, instance });
    else if (first.hash !== hash)
      this.fail(
        "agreement",
        timeMs,
        `height ${height}: instance ${instance} decided ${hash.slice(0, 12)}, instance ${first.instance} decided ${first.hash.slice(0, 12)}`,
      );
    const valid = this.proposed.get(hash);
    if (valid === undefined)
      this.fail("validity", timeMs, `height ${height}: instance ${instance} decided a block nobody proposed`);
    else if (!valid) this.fail("validity", timeMs, `height ${height}: instance ${instance} decided an invalid block`);
    const seen = new Set<string>();
    let power = 0;
    for (const s of commit.sigs) {
      const v = bytesToHex(s.validator);
      if (seen.has(v)) continue;
      seen.add(v);
      power += this.powerOf(v);
    }
    if (bytesToHex(commit.blockHash) !== hash || !isQuorum(power, this.totalPower))
      this.fail("validity", timeMs, `height ${height}: instance ${instance} decided without a quorum certificate`);
  }

  onEvidence(timeMs: number, evidence: DuplicateVoteEvidence): void {
    this.evidenceCount++;
    const v = bytesToHex(evidence.voteA.validator);
    if (this.isHonestValidator(v))
      this.fail("evidence-against-honest", timeMs, `evidence of equivocation against honest validator ${v}`);
  }

  onWalOrder(timeMs: number, instance: number, message: string): void {
    this.fail("wal-order", timeMs, `instance ${instance}: ${message}`);
  }

  onLiveness(timeMs: number, message: string): void {
    this.fail("liveness", timeMs, message);
  }
}
