/**
 * Trace and recall benchmark: `npm run bench -- recall [options]` (or
 * `node --import tsx packages/bench/src/bench-recall.ts [options]`).
 *
 * On a throw-away network of four organisations (maker, distributor,
 * hospital, pharmacy; the first `--validators` run validators), the maker
 * registers `--batches` batches of `--items` serialised packs each
 * (`Products:RegisterItems` in chunks of ITEMS_PER_REGISTER_MAX), commissions
 * them and packs them into cases and pallets (one capture per pallet), ships
 * every pallet to the distributor, which receives them and ships a third to
 * the hospital and a third to the pharmacy; they receive them and the
 * hospital unpacks one pallet. Then it times, over repetitions: the
 * backward trace of a pack, the forward trace of a pallet, the batch's
 * holders, `Recall:RecallBatch` from submit to commit (one per batch), and
 * the status of packs and pallets after the recall (`Verify:Drug`,
 * `Products:Get`), each answer checked. It prints medians and p95, node
 * memory and disk, and writes JSON to bench-results/. Figures only, never
 * pass/fail on time; a wrong answer ends the run with an error.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { loadIdentity } from "@citychain/crypto";
import { buildSignedTx, CityChainClient } from "@citychain/sdk";
import { type BenchNetwork, startBenchNetwork } from "./bench-network.ts";
import { PACK_GTIN, SUPPLY_CHAIN } from "./epcis-documents.ts";
import { sampleProcess } from "./proc-stats.ts";
import {
  BatchPlan,
  type BatchShape,
  CAPTURE_EPCS_MAX,
  EXPIRY,
  evaluate,
  loadBatch,
  ORGS,
  type Org,
  type Party,
  type SetupTimes,
  TRACE_KEYS_MAX,
  timed,
} from "./recall-supply-chain.ts";
import { percentile } from "./stats.ts";

interface Options extends BatchShape {
  validators: number;
  batches: number;
  reps: number;
  out?: string;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run bench -- recall [--validators 4] [--batches 3] [--items 10000] [--per-case 40] [--cases-per-pallet 10] [--reps 20] [--out FILE]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { validators: 4, batches: 3, items: 10_000, perCase: 40, casesPerPallet: 10, reps: 20 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) usage(`${flag} needs a value`);
    const n = Number(value);
    const positive = () => {
      if (!Number.isInteger(n) || n <= 0) usage(`${flag} must be a positive whole number`);
      return n;
    };
    switch (flag) {
      case "--validators":
        o.validators = Math.min(positive(), ORGS.length);
        break;
      case "--batches":
        o.batches = positive();
        break;
      case "--items":
        o.items = positive();
        break;
      case "--per-case":
        o.perCase = positive();
        break;
      case "--cases-per-pallet":
        o.casesPerPallet = positive();
        break;
      case "--reps":
        o.reps = positive();
        break;
      case "--out":
        o.out = value;
        break;
      default:
        usage(`unknown option ${flag}`);
    }
  }
  const perPallet = o.perCase * o.casesPerPallet;
  // A third of the pallets goes to the hospital, a third to the pharmacy.
  if (o.items % perPallet !== 0 || o.items < 3 * perPallet)
    usage(`--items must be a multiple of a pallet (${perPallet} packs), at least 3 pallets`);
  // One capture commissions and packs a pallet; a pallet's forward trace follows every unit in it.
  if (perPallet + o.casesPerPallet * (o.perCase + 1) + o.casesPerPallet + 1 > CAPTURE_EPCS_MAX)
    usage(`a pallet of ${perPallet} packs needs more than ${CAPTURE_EPCS_MAX} identifiers in one capture`);
  if (perPallet + o.casesPerPallet + 1 > TRACE_KEYS_MAX)
    usage(`a pallet of ${perPallet} packs has more units than one trace follows (${TRACE_KEYS_MAX})`);
  return o;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`wrong answer: ${what}`);
}

interface Figure {
  operation: string;
  n: number;
  medianMs: number;
  p95Ms: number;
  note: string;
}

function figure(operation: string, samples: number[], note = ""): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  return { operation, n: sorted.length, medianMs: percentile(sorted, 50), p95Ms: percentile(sorted, 95), note };
}

function printFigures(figures: Figure[]): void {
  const header = ["operation", "n", "median ms", "p95 ms", "answer"];
  const rows = figures.map((f) => [f.operation, String(f.n), f.medianMs.toFixed(1), f.p95Ms.toFixed(1), f.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  process.stdout.write(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

function diskMiB(path: string): number {
  try {
    return Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]) / 1024;
  } catch {
    return Number.NaN;
  }
}

interface TraceView {
  nodes: { bizStep: string | null; capturer: string }[];
  epcs: string[];
}

async function measure(o: Options, net: BenchNetwork, parties: Record<Org, Party>): Promise<void> {
  const plans = Array.from({ length: o.batches }, (_, b) => new BatchPlan(b, o));
  const setups: SetupTimes[] = [];
  for (const plan of plans) {
    const t = await loadBatch(plan, parties);
    setups.push(t);
    process.stdout.write(
      `batch ${plan.lot}: registered ${o.items} packs in ${(t.registerMs / 1000).toFixed(1)} s, commissioned and packed ${plan.pallets} pallets in ${(t.commissionPackMs / 1000).toFixed(1)} s, shipped and received in ${(t.shipReceiveMs / 1000).toFixed(1)} s\n`,
    );
  }
  // Readers in turn: each organisation asks its own node.
  const readers = ORGS.map((org) => parties[org]);
  const reader = (r: number) => readers[r % readers.length];
  const pick = (r: number) => {
    const plan = plans[r % plans.length];
    return { plan, n: (r * 7_919 + 13) % o.items };
  };

  const backward: number[] = [];
  let backwardNodes = 0;
  for (let r = 0; r < o.reps; r++) {
    const { plan, n } = pick(r);
    const t = await timed(() => evaluate<TraceView>(reader(r), "Epcis:Trace", plan.pack(n), "backward"));
    check(
      t.value.nodes.some((e) => e.bizStep === "commissioning") && t.value.nodes.some((e) => e.bizStep === "receiving"),
      `backward trace of ${plan.pack(n)} reaches its commissioning and a receipt`,
    );
    backward.push(t.ms);
    backwardNodes = t.value.nodes.length;
  }
  const forward: number[] = [];
  let forwardEpcs = 0;
  for (let r = 0; r < o.reps; r++) {
    const plan = plans[r % plans.length];
    const p = r % plan.pallets;
    const t = await timed(() => evaluate<TraceView>(reader(r), "Epcis:Trace", plan.pallet(p), "forward"));
    check(
      t.value.epcs.length >= o.perCase * o.casesPerPallet,
      `forward trace of pallet ${plan.pallet(p)} reaches its ${o.perCase * o.casesPerPallet} packs`,
    );
    forward.push(t.ms);
    forwardEpcs = t.value.epcs.length;
  }
  const holders: number[] = [];
  let holderCount = 0;
  for (let r = 0; r < o.reps; r++) {
    const plan = plans[r % plans.length];
    const t = await timed(() =>
      evaluate<{ holders: { org: string; units: number }[] }>(
        reader(r),
        "Products:Get",
        `01/${PACK_GTIN}/10/${plan.lot}`,
      ),
    );
    check(
      t.value.holders.reduce((s, h) => s + h.units, 0) === o.items,
      `batch ${plan.lot}'s holders hold ${o.items} packs`,
    );
    holders.push(t.ms);
    holderCount = t.value.holders.length;
  }

  const recalls: number[] = [];
  let notices = 0;
  for (const plan of plans) {
    const maker = parties.maker;
    const status = await maker.client.status();
    const tx = buildSignedTx(
      {
        chainId: status.chainId,
        contract: SUPPLY_CHAIN,
        fn: "Recall:RecallBatch",
        args: [PACK_GTIN, plan.lot, "particles found in retained samples"],
        expiresAt: status.height + 100,
      },
      [maker.identity],
    );
    const t = await timed(() => maker.client.submitRaw([tx.bytes], { wait: true }));
    const [result] = t.value;
    check(result.code === "OK", `Recall:RecallBatch ${plan.lot} commits (${result.code}: ${result.message})`);
    notices = (JSON.parse(result.returnText ?? "{}") as { notices?: number }).notices ?? 0;
    recalls.push(t.ms);
  }

  const verify: number[] = [];
  const getItem: number[] = [];
  const getPallet: number[] = [];
  for (let r = 0; r < o.reps; r++) {
    const { plan, n } = pick(r + 1_000);
    const v = await timed(() =>
      evaluate<{ result: string }>(reader(r), "Verify:Drug", PACK_GTIN, plan.lot, plan.serial(n), EXPIRY),
    );
    check(v.value.result === "recalled", `Verify:Drug of ${plan.serial(n)} says recalled (got ${v.value.result})`);
    verify.push(v.ms);
    const g = await timed(() => evaluate<{ status: string }>(reader(r + 1), "Products:Get", plan.pack(n)));
    check(g.value.status === "recalled", `Products:Get of ${plan.pack(n)} says recalled (got ${g.value.status})`);
    getItem.push(g.ms);
    // Pallets still packed (the hospital unpacked its first one: its contents left it).
    const packed = [...plan.palletsOf("pharmacy"), ...plan.palletsOf("distributor")];
    const p = await timed(() =>
      evaluate<{ status: string }>(reader(r + 2), "Products:Get", plan.pallet(packed[r % packed.length])),
    );
    check(p.value.status === "recalled", `Products:Get of a pallet says recalled (got ${p.value.status})`);
    getPallet.push(p.ms);
  }

  const perPallet = o.perCase * o.casesPerPallet;
  const figures = [
    figure("Epcis:Trace backward, one pack", backward, `${backwardNodes} events`),
    figure(`Epcis:Trace forward, one pallet (${perPallet} packs)`, forward, `${forwardEpcs} identifiers`),
    figure("Products:Get batch (holders now)", holders, `${holderCount} holder organisations`),
    figure(`Recall:RecallBatch, ${o.items} packs, submit to commit`, recalls, `${notices} RecallNotice events`),
    figure("Verify:Drug after recall", verify, "recalled"),
    figure("Products:Get pack after recall", getItem, "recalled"),
    figure("Products:Get pallet after recall", getPallet, "recalled"),
  ];
  const setupFigures = [
    figure(
      `setup: Products:RegisterItems ${o.items} packs`,
      setups.map((s) => s.registerMs),
    ),
    figure(
      `setup: commission and pack ${plans[0].pallets} pallets`,
      setups.map((s) => s.commissionPackMs),
    ),
    figure(
      "setup: ship, receive, ship, receive, unpack",
      setups.map((s) => s.shipReceiveMs),
    ),
  ];
  process.stdout.write("\n");
  printFigures([...figures, ...setupFigures]);
  const nodes = net.pids.map((pid, i) => {
    const sample = sampleProcess(pid);
    return {
      org: net.layout.orgs[i].id,
      pid,
      rssMiB: sample ? sample.rssBytes / 2 ** 20 : Number.NaN,
      peakRssMiB: sample ? sample.peakRssBytes / 2 ** 20 : Number.NaN,
      dataMiB: diskMiB(join(net.layout.orgs[i].nodeHome, "data")),
    };
  });
  const fmt = (n: number) => n.toFixed(0);
  process.stdout.write(
    `\nnode memory (RSS now / peak MiB): ${nodes.map((n) => `${n.org} ${fmt(n.rssMiB)}/${fmt(n.peakRssMiB)}`).join(", ")}\n`,
  );
  process.stdout.write(`node data on disk (MiB): ${nodes.map((n) => `${n.org} ${fmt(n.dataMiB)}`).join(", ")}\n`);
  process.stdout.write(`benchmark client RSS: ${fmt(process.memoryUsage().rss / 2 ** 20)} MiB\n`);
  const report = {
    benchmark: "recall",
    options: o,
    cores: availableParallelism(),
    figures,
    setup: setupFigures,
    nodes,
  };
  const outFile = o.out ?? join("bench-results", `recall-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  mkdirSync(join(outFile, ".."), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nJSON: ${outFile}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "recall") argv.shift();
  const o = parseArgs(argv);
  const net = await startBenchNetwork({ orgs: [...ORGS], validators: o.validators, chainId: "citychain-bench-recall" });
  try {
    process.stdout.write(
      `started ${o.validators === 1 ? "a solo validator" : `${o.validators} BFT validators`} (pids ${net.pids.join(", ")}); machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}\n`,
    );
    process.stdout.write(
      `${o.batches} batches of ${o.items} packs: cases of ${o.perCase}, pallets of ${o.casesPerPallet} cases; ${o.reps} repetitions per query\n\n`,
    );
    const parties = {} as Record<Org, Party>;
    for (const [i, org] of ORGS.entries()) {
      const identity = await loadIdentity(net.layout.orgs[i].identities.member);
      const url = net.urls[i % net.urls.length];
      parties[org] = { org, identity, client: new CityChainClient({ url, identity }) };
    }
    await measure(o, net, parties);
  } finally {
    await net.stop();
  }
}

await main();
