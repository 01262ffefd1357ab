import { bytesToHex } from "@citychain/protocol";
import { ConsensusCore, type CoreOptions, type CoreSnapshot } from "../core.ts";
import { genesisProposerState, type ProposerState } from "../proposer.ts";
import { SafetyChecker, type Violation } from "./checker.ts";
import { EventQueue } from "./event-queue.ts";
import type { NetMessage, SimItem } from "./messages.ts";
import { deliveries } from "./network.ts";
import { Prng } from "./prng.ts";
import { createConfig, instanceCount, LIVENESS_BOUND_MS, type ScenarioName, type SimConfig } from "./scenario.ts";
import { type SimContext, SimNode } from "./sim-node.ts";

/** Events one run may process; far above what a live run needs, it turns a runaway run into a failure. */
const SIM_STEPS_MAX = 2_000_000;

/** Which core the honest nodes run. */
export type CoreFactory = (options: CoreOptions) => ConsensusCore;

export interface SimResult {
  config: SimConfig;
  violations: Violation[];
  /** Virtual time at which the run ended. */
  endMs: number;
  /** Virtual time from heal until every honest node reached the target height (undefined if it never did). */
  livenessMs: number | undefined;
  targetHeight: number;
  steps: number;
  messages: number;
  evidence: number;
  maxRound: number;
  /** Final state of every instance, for the replay command's report. */
  nodes: {
    instance: number;
    validator: number;
    honest: boolean;
    committedHeight: number;
    state: CoreSnapshot | null;
  }[];
}

/** Address of validator i: 20 bytes, first byte i+1, so address order is index order. */
export function simAddress(i: number): Uint8Array {
  const a = new Uint8Array(20);
  a[0] = i + 1;
  return a;
}

/** The command that replays one run. */
export function replayCommand(scenario: string, seed: number, variant?: string): string {
  return `node --import tsx packages/consensus/src/sim/run.ts --seed ${seed} --scenario ${scenario}${variant ? ` --variant ${variant}` : ""}`;
}

/**
 * Runs one seed of one scenario: n nodes running the real core, virtual time,
 * one seeded random source for everything (network, faults, byzantine
 * choices). Same (scenario, seed, core) → same run, step for step.
 */
export function simulate(
  scenario: ScenarioName,
  seed: number,
  createCore: CoreFactory = (o) => new ConsensusCore(o),
): SimResult {
  const rng = new Prng(seed);
  const config = createConfig(scenario, seed, rng);
  return new Simulation(config, rng, createCore).run();
}

class Simulation implements SimContext {
  now = 0;
  readonly checker: SafetyChecker;
  readonly instances: number;
  readonly genesis: ProposerState;
  private readonly nodes: SimNode[] = [];
  private readonly queue = new EventQueue<SimItem>();
  private target = Number.POSITIVE_INFINITY;
  private messages = 0;

  constructor(
    readonly config: SimConfig,
    readonly rng: Prng,
    readonly createCore: CoreFactory,
  ) {
    this.instances = instanceCount(config);
    const validators = config.powers.map((power, i) => ({ address: simAddress(i), power }));
    this.genesis = genesisProposerState(validators);
    const total = config.powers.reduce((a, b) => a + b, 0);
    const byzantine = new Map(config.byzantine.map((b) => [b.validator, b.kind]));
    const indexByHex = new Map(validators.map((v, i) => [bytesToHex(v.address), i]));
    this.checker = new SafetyChecker(
      (hex) => config.powers[indexByHex.get(hex) ?? -1] ?? 0,
      total,
      (hex) => {
        const i = indexByHex.get(hex);
        return i !== undefined && !byzantine.has(i);
      },
    );
    for (let v = 0; v < config.powers.length; v++)
      this.nodes.push(new SimNode(this, v, v, simAddress(v), byzantine.get(v)));
    for (const b of config.byzantine)
      if (b.kind === "twins")
        this.nodes.push(new SimNode(this, this.nodes.length, b.validator, simAddress(b.validator), "twins"));
  }

  send(from: number, to: number, message: NetMessage): void {
    for (const delay of deliveries(this.config, this.rng, from, to, this.now)) {
      this.messages++;
      this.queue.push(this.now + delay, { kind: "net", from, to, message });
    }
  }

  schedule(delayMs: number, item: SimItem): void {
    this.queue.push(this.now + delayMs, item);
  }

  private honestNodes(): SimNode[] {
    return this.nodes.filter((n) => n.honest);
  }

  run(): SimResult {
    for (const n of this.nodes) n.boot();
    for (const c of this.config.crashes) {
      this.queue.push(c.atMs, { kind: "crash", instance: c.instance, afterActions: c.afterActions });
      this.queue.push(c.restartMs, { kind: "restart", instance: c.instance });
    }
    this.queue.push(this.config.healMs, { kind: "heal" });
    const deadline = this.config.healMs + LIVENESS_BOUND_MS;
    let steps = 0;
    let livenessMs: number | undefined;
    while (this.checker.violations.length === 0) {
      const next = this.queue.pop();
      if (next === undefined || next.time > deadline || steps >= SIM_STEPS_MAX) {
        const heights = this.honestNodes().map((n) => `${n.instance}:${n.committedHeight}`);
        this.checker.onLiveness(
          this.now,
          `honest nodes did not all reach height ${this.target} within ${LIVENESS_BOUND_MS} ms of heal (heights ${heights.join(" ")}; ${steps} steps)`,
        );
        break;
      }
      this.now = next.time;
      steps++;
      this.dispatch(next.item);
      if (this.now >= this.config.healMs && this.honestNodes().every((n) => n.committedHeight >= this.target)) {
        livenessMs = this.now - this.config.healMs;
        break;
      }
    }
    let maxRound = 0;
    for (const n of this.nodes) maxRound = Math.max(maxRound, n.core?.snapshot().round ?? 0);
    return {
      config: this.config,
      violations: this.checker.violations,
      endMs: this.now,
      livenessMs,
      targetHeight: this.target,
      steps,
      messages: this.messages,
      evidence: this.checker.evidenceCount,
      maxRound,
      nodes: this.nodes.map((n) => ({
        instance: n.instance,
        validator: n.validator,
        honest: n.honest,
        committedHeight: n.committedHeight,
        signRefusals: n.signRefusals,
        state: n.core?.snapshot() ?? null,
      })),
    };
  }

  private dispatch(item: SimItem): void {
    switch (item.kind) {
      case "local": {
        const n = this.nodes[item.instance];
        if (n.epoch === item.epoch) n.local(item.event);
        return;
      }
      case "net":
        this.nodes[item.to].receive(item.from, item.message);
        return;
      case "start": {
        const n = this.nodes[item.instance];
        if (n.epoch === item.epoch) n.startHeight(item.height, item.proposers);
        return;
      }
      case "gossip": {
        const n = this.nodes[item.instance];
        if (n.epoch === item.epoch) n.gossip();
        return;
      }
      case "crash":
        this.nodes[item.instance].crash(item.afterActions);
        return;
      case "restart":
        this.nodes[item.instance].restart();
        return;
      case "heal": {
        let highest = 0;
        for (const n of this.honestNodes()) highest = Math.max(highest, n.committedHeight);
        this.target = highest + this.config.heightsAfterHeal;
        return;
      }
    }
  }
}
