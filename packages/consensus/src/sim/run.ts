/**
 * Replays one simulated run: node --import tsx packages/consensus/src/sim/run.ts --seed N [--scenario X] [--variant ignore-lock]
 * Prints the configuration, the outcome and every violation; exits 1 if any.
 */
import { ConsensusCore } from "../core.ts";
import { LockIgnoringCore, VARIANTS, type Variant } from "./broken-core.ts";
import { isScenarioName, SCENARIOS } from "./scenario.ts";
import { simulate } from "./simulator.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const seed = Number(arg("seed"));
const scenario = arg("scenario") ?? "chaos";
const variant = (arg("variant") ?? "correct") as Variant;
if (!Number.isSafeInteger(seed) || !isScenarioName(scenario) || !VARIANTS.includes(variant)) {
  console.error(`usage: run.ts --seed N [--scenario ${SCENARIOS.join("|")}] [--variant ${VARIANTS.join("|")}]`);
  process.exit(2);
}
const result = simulate(scenario, seed, (o) =>
  variant === "ignore-lock" ? new LockIgnoringCore(o) : new ConsensusCore(o),
);
console.log(JSON.stringify(result.config, null, 1));
console.log(
  `scenario ${scenario} seed ${seed}: ${result.steps} steps, ${result.messages} messages, ended at ${result.endMs} ms virtual, ` +
    `target height ${result.targetHeight}, liveness ${result.livenessMs ?? "-"} ms after heal, max round ${result.maxRound}, evidence ${result.evidence}`,
);
for (const n of result.nodes)
  console.log(
    `instance ${n.instance} (validator ${n.validator}${n.honest ? "" : ", byzantine"}): committed ${n.committedHeight}, core ${JSON.stringify(n.state)}`,
  );
for (const v of result.violations) console.log(`VIOLATION ${v.property} at ${v.timeMs} ms: ${v.message}`);
process.exit(result.violations.length === 0 ? 0 : 1);
