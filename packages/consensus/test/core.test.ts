import { describe, expect, it } from "vitest";
import { type ConsensusAction, ConsensusCore, ROUNDS_AHEAD_MAX, replay, type WalRecord } from "../src/index.ts";
import { addr, blockOf, harness, ofType, proposal, short, TIMEOUTS, vote, votesIn } from "./helpers.ts";

/** WAL writes come before any broadcast in the same action list. */
function expectWalFirst(actions: ConsensusAction[]): void {
  const firstBroadcast = actions.findIndex((a) => a.type === "broadcastVote" || a.type === "broadcastProposal");
  if (firstBroadcast === -1) return;
  expect(actions.findIndex((a) => a.type === "walWrite")).toBeGreaterThanOrEqual(0);
  expect(actions.findIndex((a) => a.type === "walWrite")).toBeLessThan(firstBroadcast);
}

describe("ConsensusCore: happy path", () => {
  it("commits in round 0 when the proposer is this node", () => {
    // Four equal validators: validator 0 proposes height 1 round 0 (lowest address wins the first tie).
    const t = harness([1, 1, 1, 1], 0);
    const start = t.log[0];
    expect(start[0].type).toBe("walWrite");
    expect(ofType(start, "requestProposal")).toEqual([{ type: "requestProposal", height: 1, round: 0 }]);
    expect(ofType(start, "scheduleTimeout")[0]).toMatchObject({ step: "propose", round: 0, durationMs: 300 });

    const a = blockOf("A");
    const ready = t.feed({ type: "proposalReady", height: 1, round: 0, ...a });
    expectWalFirst(ready);
    const [bp] = ofType(ready, "broadcastProposal");
    expect(bp.proposal).toMatchObject({ height: 1, round: 0, validRound: -1 });

    // Own proposal comes back signed: it is valid (we built it), so prevote at once, no validation asked.
    const back = t.feed(proposal(0, 1, 0, "A"));
    expect(ofType(back, "validateProposal")).toEqual([]);
    expect(votesIn(back)).toEqual([`prevote@0:${short("A")}`]);
    expectWalFirst(back);

    t.feed(vote(0, "prevote", 1, 0, a.blockHash));
    expect(votesIn(t.feed(vote(1, "prevote", 1, 0, a.blockHash)))).toEqual([]);
    const polka = t.feed(vote(2, "prevote", 1, 0, a.blockHash));
    expect(votesIn(polka)).toEqual([`precommit@0:${short("A")}`]);
    expectWalFirst(polka);
    expect(t.core.snapshot()).toMatchObject({ step: "precommit", lockedRound: 0, validRound: 0 });

    t.feed(vote(0, "precommit", 1, 0, a.blockHash));
    t.feed(vote(3, "precommit", 1, 0, a.blockHash));
    const decided = t.feed(vote(2, "precommit", 1, 0, a.blockHash));
    const [d] = ofType(decided, "decide");
    expect(d).toMatchObject({ height: 1, round: 0 });
    expect(d.commit.sigs.map((s) => s.validator[0])).toEqual([1, 3, 4]);
    expect(Buffer.from(d.commit.blockHash).equals(a.blockHash)).toBe(true);
    expect(t.core.snapshot().decided).toBe(true);
  });

  it("asks the application to validate a peer's proposal and prevotes only once it answers", () => {
    const t = harness([1, 1, 1, 1], 1);
    const got = t.feed(proposal(0, 1, 0, "A"));
    expect(ofType(got, "validateProposal")).toHaveLength(1);
    expect(votesIn(got)).toEqual([]);
    const ok = t.feed({ type: "proposalValidated", height: 1, blockHash: blockOf("A").blockHash, valid: true });
    expect(votesIn(ok)).toEqual([`prevote@0:${short("A")}`]);
  });

  it("ignores a proposal from a validator that is not the round's proposer", () => {
    const t = harness([1, 1, 1, 1], 1);
    expect(t.feed(proposal(2, 1, 0, "A"))).toEqual([]);
  });
});

describe("ConsensusCore: nil votes", () => {
  it("prevotes nil for an invalid proposal", () => {
    const t = harness([1, 1, 1, 1], 1);
    t.feed(proposal(0, 1, 0, "bad"));
    const v = t.feed({ type: "proposalValidated", height: 1, blockHash: blockOf("bad").blockHash, valid: false });
    expect(votesIn(v)).toEqual(["prevote@0:nil"]);
  });

  it("prevotes nil when the propose timeout fires, precommits nil on a nil quorum", () => {
    const t = harness([1, 1, 1, 1], 1);
    expect(votesIn(t.feed({ type: "timeout", step: "propose", height: 1, round: 0 }))).toEqual(["prevote@0:nil"]);
    t.feed(vote(1, "prevote", 1, 0, null));
    t.feed(vote(2, "prevote", 1, 0, null));
    const q = t.feed(vote(3, "prevote", 1, 0, null));
    expect(votesIn(q)).toEqual(["precommit@0:nil"]);
    expect(t.core.snapshot()).toMatchObject({ step: "precommit", lockedRound: -1 });
  });

  it("ignores a stale timeout", () => {
    const t = harness([1, 1, 1, 1], 1);
    expect(t.feed({ type: "timeout", step: "prevote", height: 1, round: 0 })).toEqual([]);
    expect(t.feed({ type: "timeout", step: "propose", height: 1, round: 3 })).toEqual([]);
  });
});

/** Validator 3 locks on A in round 0 (polka seen), then round 0 fails. */
function lockedOnA() {
  const t = harness([1, 1, 1, 1], 3);
  const a = blockOf("A");
  t.feed(proposal(0, 1, 0, "A"));
  t.feed({ type: "proposalValidated", height: 1, ...a, valid: true });
  for (const i of [0, 1, 3]) t.feed(vote(i, "prevote", 1, 0, a.blockHash));
  expect(t.core.snapshot()).toMatchObject({ lockedRound: 0, lockedValue: Buffer.from(a.blockHash).toString("hex") });
  // Precommits do not reach a quorum for A: the round times out.
  t.feed(vote(3, "precommit", 1, 0, a.blockHash));
  t.feed(vote(1, "precommit", 1, 0, null));
  t.feed(vote(2, "precommit", 1, 0, null));
  const next = t.feed({ type: "timeout", step: "precommit", height: 1, round: 0 });
  expect(t.core.snapshot()).toMatchObject({ round: 1, step: "propose" });
  expect(ofType(next, "scheduleTimeout")[0]).toMatchObject({ step: "propose", round: 1, durationMs: 350 });
  return t;
}

describe("ConsensusCore: locking", () => {
  it("a locked validator prevotes nil for a different fresh proposal", () => {
    const t = lockedOnA();
    // Validator 1 proposes round 1.
    t.feed(proposal(1, 1, 1, "B"));
    const v = t.feed({ type: "proposalValidated", height: 1, blockHash: blockOf("B").blockHash, valid: true });
    expect(votesIn(v)).toEqual(["prevote@1:nil"]);
  });

  it("a locked validator prevotes its locked value when re-proposed", () => {
    const t = lockedOnA();
    expect(votesIn(t.feed(proposal(1, 1, 1, "A", 0)))).toEqual([`prevote@1:${short("A")}`]);
  });

  it("unlocks for a value with a newer polka (line 28: lockedRound <= validRound)", () => {
    const t = lockedOnA();
    const b = blockOf("B");
    // Round 1: validators 0, 1, 2 prevote B (validator 3 stays locked on A), then round 1 times out.
    t.feed(proposal(1, 1, 1, "B"));
    t.feed({ type: "proposalValidated", height: 1, ...b, valid: true });
    t.feed(vote(3, "prevote", 1, 1, null));
    for (const i of [0, 1]) t.feed(vote(i, "prevote", 1, 1, b.blockHash));
    // Its prevote timeout fires before the third prevote for B arrives.
    expect(votesIn(t.feed({ type: "timeout", step: "prevote", height: 1, round: 1 }))).toEqual(["precommit@1:nil"]);
    t.feed(vote(2, "prevote", 1, 1, b.blockHash));
    // Validator 3 saw the polka while in precommit step: B is its valid value, the lock stays on A.
    expect(t.core.snapshot()).toMatchObject({ lockedRound: 0, validRound: 1 });
    for (const i of [0, 1, 2]) t.feed(vote(i, "precommit", 1, 1, null));
    t.feed({ type: "timeout", step: "precommit", height: 1, round: 1 });
    // Round 2: validator 2 re-proposes B with validRound 1; lockedRound 0 <= 1, so prevote B.
    expect(votesIn(t.feed(proposal(2, 1, 2, "B", 1)))).toEqual([`prevote@2:${short("B")}`]);
    for (const i of [0, 1, 3]) t.feed(vote(i, "prevote", 1, 2, b.blockHash));
    expect(t.core.snapshot()).toMatchObject({ lockedRound: 2, lockedValue: Buffer.from(b.blockHash).toString("hex") });
  });

  it("does not unlock on a claimed polka it has not seen", () => {
    const t = lockedOnA();
    expect(votesIn(t.feed(proposal(1, 1, 1, "B", 0)))).toEqual([]);
    expect(votesIn(t.feed({ type: "timeout", step: "propose", height: 1, round: 1 }))).toEqual(["prevote@1:nil"]);
  });

  it("proposes its valid value with its valid round when it is the proposer", () => {
    // Validator 1 proposes round 1; it saw a polka for A in round 0.
    const t = harness([1, 1, 1, 1], 1);
    const a = blockOf("A");
    t.feed(proposal(0, 1, 0, "A"));
    t.feed({ type: "proposalValidated", height: 1, ...a, valid: true });
    for (const i of [0, 1, 2]) t.feed(vote(i, "prevote", 1, 0, a.blockHash));
    for (const i of [0, 1, 2]) t.feed(vote(i, "precommit", 1, 0, null));
    const r1 = t.feed({ type: "timeout", step: "precommit", height: 1, round: 0 });
    expect(ofType(r1, "requestProposal")).toEqual([]);
    expect(ofType(r1, "broadcastProposal")[0].proposal).toMatchObject({ round: 1, validRound: 0 });
  });
});

describe("ConsensusCore: rounds and timeouts", () => {
  it("skips to a later round on messages from more than 1/3 of the power, not fewer", () => {
    const t = harness([1, 1, 1, 1], 3);
    t.feed(vote(0, "prevote", 1, 5, null));
    expect(t.core.snapshot().round).toBe(0);
    const skipped = t.feed(vote(1, "precommit", 1, 5, null));
    expect(t.core.snapshot()).toMatchObject({ round: 5, step: "propose" });
    expect(ofType(skipped, "scheduleTimeout")[0]).toMatchObject({ round: 5, durationMs: 300 + 5 * 50 });
  });

  it("grows every timeout with the round", () => {
    const t = harness([1, 1, 1, 1], 3);
    for (let round = 0; round < 3; round++) {
      t.feed({ type: "timeout", step: "propose", height: 1, round });
      for (const i of [0, 1, 2]) t.feed(vote(i, "prevote", 1, round, blockOf("Z").blockHash));
      t.feed({ type: "timeout", step: "prevote", height: 1, round });
      for (const i of [0, 1, 2]) t.feed(vote(i, "precommit", 1, round, null));
      t.feed({ type: "timeout", step: "precommit", height: 1, round });
    }
    const seen = t.log
      .flat()
      .flatMap((a) => (a.type === "scheduleTimeout" ? [`${a.step}@${a.round}=${a.durationMs}`] : []));
    expect(seen).toEqual(
      expect.arrayContaining(["prevote@0=100", "precommit@0=100", "prevote@1=150", "precommit@1=150", "prevote@2=200"]),
    );
    const proposeTimeouts = t.log.flat().filter((a) => a.type === "scheduleTimeout" && a.step === "propose");
    expect(proposeTimeouts.map((a) => (a.type === "scheduleTimeout" ? a.durationMs : 0))).toEqual([300, 350, 400, 450]);
  });
});

describe("ConsensusCore: votes and power", () => {
  it("ignores votes from non-validators and duplicate votes", () => {
    const t = harness([1, 1, 1, 1], 3);
    expect(t.feed(vote(9, "prevote", 1, 0, null))).toEqual([]);
    expect(t.feed(vote(1, "prevote", 1, 0, null))[0].type).toBe("walWrite");
    expect(t.feed(vote(1, "prevote", 1, 0, null))).toEqual([]);
  });

  it("reports two conflicting votes of one validator as evidence, once, and counts both values", () => {
    const t = harness([1, 1, 1, 1], 3);
    t.feed(vote(1, "prevote", 1, 0, null));
    const ev = t.feed(vote(1, "prevote", 1, 0, blockOf("X").blockHash));
    const [e] = ofType(ev, "evidence");
    expect(e.evidence.voteA.blockHash).toBeNull();
    expect(e.evidence.voteB.validator).toEqual(addr(1));
    expect(ofType(t.feed(vote(1, "prevote", 1, 0, blockOf("Y").blockHash)), "evidence")).toEqual([]);
    // An equivocator's vote counts for each value it signed (so every node can see the same quorum),
    // but once towards "any value": two more nil prevotes make the nil quorum, not two.
    t.feed(vote(2, "prevote", 1, 0, null));
    expect(t.core.snapshot().step).toBe("propose");
    t.feed({ type: "timeout", step: "propose", height: 1, round: 0 });
    expect(votesIn(t.feed(vote(3, "prevote", 1, 0, null)))).toEqual(["precommit@0:nil"]);
  });

  it("counts voting power, not validators", () => {
    // Validator 3 holds 10 of 13: alone it is more than 2/3; the other three together are not.
    const t = harness([1, 1, 1, 10], 0);
    const a = blockOf("A");
    t.feed(proposal(3, 1, 0, "A"));
    t.feed({ type: "proposalValidated", height: 1, ...a, valid: true });
    for (const i of [0, 1, 2]) t.feed(vote(i, "precommit", 1, 0, a.blockHash));
    expect(t.core.snapshot().decided).toBe(false);
    expect(ofType(t.feed(vote(3, "precommit", 1, 0, a.blockHash)), "decide")).toHaveLength(1);
  });

  it("keeps messages for the next height and applies them when it starts", () => {
    const t = harness([1, 1, 1, 1], 3);
    expect(t.feed(vote(0, "prevote", 2, 0, null))).toEqual([]);
    expect(t.feed(vote(0, "prevote", 3, 0, null))).toEqual([]);
    const started = t.feed({ type: "start", height: 2, proposers: t.proposers });
    expect(ofType(started, "walWrite")).toHaveLength(2);
  });

  it("an observer follows and decides without voting", () => {
    const t = harness([1, 1, 1, 1], -1);
    const a = blockOf("A");
    t.feed(proposal(0, 1, 0, "A"));
    expect(votesIn(t.feed({ type: "proposalValidated", height: 1, ...a, valid: true }))).toEqual([]);
    for (const i of [0, 1, 2]) t.feed(vote(i, "precommit", 1, 0, a.blockHash));
    expect(t.core.snapshot().decided).toBe(true);
  });
});

describe("ConsensusCore: commit certificates from block sync", () => {
  const a = blockOf("A");
  const commitOf = (validatorsIdx: number[]) => ({
    type: "commit" as const,
    height: 1,
    ...a,
    commit: {
      height: 1,
      round: 2,
      blockHash: a.blockHash,
      sigs: validatorsIdx.map((i) => ({ validator: addr(i), sig: new Uint8Array([i]) })),
    },
  });

  it("decides from a certificate with more than 2/3 of the power", () => {
    const t = harness([1, 1, 1, 1], 3);
    const [d] = ofType(t.feed(commitOf([0, 1, 2])), "decide");
    expect(d).toMatchObject({ height: 1, round: 2 });
  });

  it("ignores a certificate short of 2/3, or padded with repeats and strangers", () => {
    const t = harness([1, 1, 1, 1], 3);
    expect(t.feed(commitOf([0, 1]))).toEqual([]);
    expect(t.feed(commitOf([0, 1, 1, 9]))).toEqual([]);
    expect(t.core.snapshot().decided).toBe(false);
  });
});

describe("ConsensusCore: bounds", () => {
  it("ignores messages for rounds too far ahead to count", () => {
    const t = harness([1, 1, 1, 1], 3);
    expect(t.feed(vote(0, "prevote", 1, ROUNDS_AHEAD_MAX + 1, null))).toEqual([]);
    expect(t.feed(vote(0, "prevote", 1, ROUNDS_AHEAD_MAX, null))[0].type).toBe("walWrite");
  });

  it("ignores messages for past heights and for heights beyond the next", () => {
    const t = harness([1, 1, 1, 1], 3);
    t.feed(vote(0, "precommit", 3, 0, null));
    const started = t.feed({ type: "start", height: 2, proposers: t.proposers });
    expect(ofType(started, "walWrite")).toHaveLength(1);
    expect(t.feed(vote(0, "prevote", 1, 0, null))).toEqual([]);
  });
});

describe("WAL replay", () => {
  it("rebuilds the state of the core and re-arms what was pending", () => {
    const t = lockedOnA();
    t.feed(proposal(1, 1, 1, "B"));
    const records: WalRecord[] = t.log.flat().flatMap((a) => (a.type === "walWrite" ? [a.record] : []));
    const { core, actions } = replay(records, { address: addr(3), timeouts: TIMEOUTS });
    expect(core.snapshot()).toEqual(t.core.snapshot());
    // The validation of B was asked for but never answered; the propose timeout of round 1 is re-armed.
    expect(ofType(actions, "validateProposal")).toHaveLength(1);
    expect(ofType(actions, "scheduleTimeout")[0]).toMatchObject({ step: "propose", round: 1 });
    // The replayed core answers the next event as the original does.
    const e = { type: "proposalValidated" as const, height: 1, blockHash: blockOf("B").blockHash, valid: true };
    expect(votesIn(core.handle(e))).toEqual(votesIn(t.core.handle(e)));
  });

  it("re-sends a vote that was asked for but never came back signed", () => {
    const t = harness([1, 1, 1, 1], 1);
    t.feed({ type: "timeout", step: "propose", height: 1, round: 0 });
    const records = t.log.flat().flatMap((a) => (a.type === "walWrite" ? [a.record] : []));
    const { actions } = replay(records, { address: addr(1), timeouts: TIMEOUTS });
    expect(votesIn(actions)).toEqual(["prevote@0:nil"]);
  });

  it("refuses a WAL without a start record", () => {
    expect(() =>
      replay(
        [{ type: "event", event: vote(0, "prevote", 1, 0, null) }],
        { timeouts: TIMEOUTS },
        (o) => new ConsensusCore(o),
      ),
    ).toThrow(/no start record/);
  });
});
