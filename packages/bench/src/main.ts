/**
 * Benchmark harness: `npm run bench -- <workload> [options]`.
 * Drives a network at fixed offered rates and/or at maximum rate from several
 * client workers, and prints committed tx/s, outcomes, submit-to-commit
 * latency percentiles, and node CPU and peak memory, beside this machine's
 * signature-verification rate, as a table and as JSON.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { spawnNode, waitForApi } from "@citychain/cli";
import { loadIdentity, measureVerifyRate } from "@citychain/crypto";
import { CityChainClient } from "@citychain/sdk";
import { type ProcSample, sampleProcess } from "./proc-stats.ts";
import { type LatencySummary, summarise } from "./stats.ts";
import { tsWorker } from "./ts-worker.ts";
import type { WorkerJob, WorkerResult } from "./worker-protocol.ts";
import { type Workload, type WorkloadName, workloads } from "./workloads.ts";

interface Options {
  workload: WorkloadName;
  url?: string;
  identity?: string;
  pids: number[];
  rates: (number | "max")[];
  durationSec: number;
  workers: number;
  batch: number;
  inflight: number;
  out?: string;
  /** Validators of the throw-away network (1: solo). */
  validators: number;
  /** Node APIs the client workers spread over (default: the one URL). */
  urls?: string[];
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run bench -- <${Object.keys(workloads).join("|")}> [--rates 1000,5000,max] [--duration 10] [--workers 2] [--batch 200] [--inflight 4] (epcis: 20, 2) [--validators N] [--url URL --identity DIR --pid PID[,PID]] [--out FILE]\n       npm run bench -- recall [--validators 4] [--batches 3] [--reps 20] (trace and recall of 10,000-item batches)\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const [workload, ...rest] = argv;
  if (!workload || !(workload in workloads)) usage(`unknown workload '${workload ?? ""}'`);
  const chosen: Workload = workloads[workload as WorkloadName];
  const o: Options = {
    workload: workload as WorkloadName,
    pids: [],
    rates: [2000, 5000, "max"],
    durationSec: 10,
    workers: 2,
    // The workload's client defaults (heavy transactions go in smaller batches), unless flags say otherwise.
    batch: chosen.batch ?? 200,
    inflight: chosen.inflight ?? 4,
    validators: 1,
  };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) usage(`${flag} needs a value`);
    const num = () => {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) usage(`${flag} must be a positive number`);
      return n;
    };
    switch (flag) {
      case "--url": {
        // Several URLs (comma-separated): client workers spread over them.
        const urls = value.split(",").map((u) => u.replace(/\/$/, ""));
        o.url = urls[0];
        if (urls.length > 1) o.urls = urls;
        break;
      }
      case "--identity":
        o.identity = value;
        break;
      case "--pid":
        o.pids = value.split(",").map(Number);
        break;
      case "--rates":
        o.rates = value.split(",").map((r) => (r === "max" ? "max" : Number(r)));
        if (o.rates.some((r) => r !== "max" && !(r > 0))) usage("--rates takes positive numbers or 'max'");
        break;
      case "--duration":
        o.durationSec = num();
        break;
      case "--workers":
        o.workers = Math.floor(num());
        break;
      case "--batch":
        o.batch = Math.floor(num());
        break;
      case "--inflight":
        o.inflight = Math.floor(num());
        break;
      case "--validators":
        o.validators = Math.floor(num());
        break;
      case "--out":
        o.out = value;
        break;
      default:
        usage(`unknown option ${flag}`);
    }
  }
  if (o.url && !o.identity) usage("--url needs --identity (a member identity directory of that network)");
  return o;
}

interface RunResult {
  offered: number | "max";
  durationSec: number;
  committedTxPerSec: number;
  ok: number;
  failed: number;
  skipped: number;
  codes: Record<string, number>;
  /** The first message of each failing code. */
  messages: Record<string, string>;
  /** EPCIS events committed per second (workloads whose transactions capture events). */
  eventsPerSec?: number;
  latency: LatencySummary;
  /** CPU of this benchmark process (all client workers): on a shared machine it competes with the nodes. */
  clientCpuPercent: number;
  nodes: { pid: number; cpuPercent: number; peakRssMiB: number }[];
}

async function runOnce(
  o: Options,
  chainId: string,
  url: string,
  identity: string,
  rate: number | "max",
  height: number,
  tag: string,
): Promise<RunResult> {
  const durationMs = o.durationSec * 1000;
  // Transactions to pre-sign: the offered load, or a generous ceiling at max rate.
  const workload: Workload = workloads[o.workload];
  const ceiling = workload.maxRatePresignPerSec ?? 20_000;
  const total = rate === "max" ? ceiling * o.durationSec : Math.ceil(rate * o.durationSec);
  const perWorker = Math.ceil(total / o.workers);
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  const done: Promise<WorkerResult>[] = [];
  for (let w = 0; w < o.workers; w++) {
    const job: WorkerJob = {
      workerIndex: `${tag}-${w}`,
      workload: o.workload,
      url: o.urls ? o.urls[w % o.urls.length] : url,
      chainId,
      identityDir: identity,
      expiresAt: height + 5_000,
      count: perWorker,
      batchSize: o.batch,
      ratePerSec: rate === "max" ? 0 : rate / o.workers,
      durationMs,
      inflightMax: o.inflight,
      commitTimeoutMs: 30_000,
    };
    const worker = tsWorker(new URL("./client-worker.ts", import.meta.url), { workerData: job });
    workers.push(worker);
    ready.push(
      new Promise((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
      }),
    );
    done.push(
      new Promise((resolve, reject) => {
        worker.on("message", (m: { type: string; result?: WorkerResult }) => {
          if (m.type === "done" && m.result) resolve(m.result);
        });
        worker.on("error", reject);
      }),
    );
  }
  await Promise.all(ready);
  const before = new Map<number, ProcSample | undefined>(o.pids.map((p) => [p, sampleProcess(p)]));
  const t0 = Date.now();
  const clientCpu0 = process.cpuUsage();
  for (const w of workers) w.postMessage("go");
  const results = await Promise.all(done);
  const wallSec = (Date.now() - t0) / 1000;
  const clientCpu = process.cpuUsage(clientCpu0);
  await Promise.all(workers.map((w) => w.terminate()));
  const latencies = results.flatMap((r) => r.latenciesMs);
  const codes: Record<string, number> = {};
  const messages: Record<string, string> = {};
  for (const r of results) for (const [c, n] of Object.entries(r.codes)) codes[c] = (codes[c] ?? 0) + n;
  for (const r of results) for (const [c, m] of Object.entries(r.messages)) messages[c] ??= m;
  const ok = results.reduce((s, r) => s + r.ok, 0);
  const first = Math.min(...results.map((r) => r.firstSendMs));
  const last = Math.max(...results.map((r) => r.lastDoneMs));
  const activeSec = Math.max(0.001, (last - first) / 1000);
  return {
    offered: rate,
    durationSec: activeSec,
    committedTxPerSec: ok / activeSec,
    ...(workload.eventsPerTx === undefined ? {} : { eventsPerSec: (ok * workload.eventsPerTx) / activeSec }),
    ok,
    failed: results.reduce((s, r) => s + r.failed, 0),
    skipped: results.reduce((s, r) => s + r.skipped, 0),
    codes,
    messages,
    latency: summarise(latencies),
    clientCpuPercent: ((clientCpu.user + clientCpu.system) / 1e6 / wallSec) * 100,
    nodes: o.pids.map((pid) => {
      const a = before.get(pid);
      const b = sampleProcess(pid);
      return {
        pid,
        cpuPercent: a && b ? ((b.cpuSeconds - a.cpuSeconds) / wallSec) * 100 : Number.NaN,
        peakRssMiB: b ? b.peakRssBytes / 2 ** 20 : Number.NaN,
      };
    }),
  };
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "-";
}

function printTable(verifyRate: number, runs: RunResult[]): void {
  const events = runs.some((r) => r.eventsPerSec !== undefined);
  const header = [
    "offered tx/s",
    "committed tx/s",
    ...(events ? ["events/s"] : []),
    "% of verify",
    "ok",
    "failed",
    "not sent",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "node CPU %",
    "node peak MiB",
    "client CPU %",
  ];
  const rows = runs.map((r) => [
    String(r.offered),
    fmt(r.committedTxPerSec),
    ...(events ? [fmt(r.eventsPerSec ?? Number.NaN)] : []),
    fmt((r.committedTxPerSec / verifyRate) * 100, 1),
    String(r.ok),
    String(r.failed),
    String(r.skipped),
    fmt(r.latency.p50Ms),
    fmt(r.latency.p95Ms),
    fmt(r.latency.p99Ms),
    fmt(r.latency.maxMs),
    r.nodes.map((n) => fmt(n.cpuPercent)).join("/"),
    r.nodes.map((n) => fmt(n.peakRssMiB)).join("/"),
    fmt(r.clientCpuPercent),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join("  ");
  process.stdout.write(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  // Every transaction should commit with OK: say which did not, and why.
  for (const r of runs) {
    for (const [code, n] of Object.entries(r.codes)) {
      if (code === "OK") continue;
      process.stdout.write(`offered ${r.offered}: ${n} failed with ${code}: ${r.messages[code] ?? ""}\n`);
    }
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  let url = o.url;
  let identity = o.identity;
  let cleanup = async () => {};
  if (!url) {
    // Self-contained: a fresh network in a temp dir, one process per validator.
    const { initNetwork } = await import("@citychain/node");
    const dir = mkdtempSync(join(tmpdir(), "citychain-bench-"));
    const port = 20_000 + Math.floor(Math.random() * 400) * 50;
    const orgs = Array.from({ length: o.validators }, (_, i) => `org${i + 1}`);
    const layout = await initNetwork({
      dir,
      orgs,
      validators: o.validators,
      apiPortBase: port,
      p2pPortBase: port + 25,
      chainId: "citychain-bench",
    });
    const children = layout.orgs.map((org) => {
      const config = JSON.parse(readFileSync(join(org.nodeHome, "config.json"), "utf8"));
      config.logLevel = "warn";
      writeFileSync(join(org.nodeHome, "config.json"), JSON.stringify(config));
      return spawnNode(org.nodeHome);
    });
    // Clients submit to the nodes in turn, as the organisations would.
    url = `http://127.0.0.1:${port}`;
    o.urls = layout.orgs.map((_, i) => `http://127.0.0.1:${port + i}`);
    identity = layout.orgs[0].identities.member;
    o.pids = children.map((c) => c.pid as number);
    await Promise.all(o.urls.map((u) => waitForApi(u, 30_000)));
    const workload: Workload = workloads[o.workload];
    await workload.setup?.({ url, adminDirs: layout.orgs.map((org) => org.identities.admin) });
    cleanup = async () => {
      for (const c of children) c.kill("SIGTERM");
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))));
      rmSync(dir, { recursive: true, force: true });
    };
    process.stdout.write(
      `started ${o.validators === 1 ? "a solo validator" : `${o.validators} BFT validators`} (pids ${o.pids.join(", ")}) at ${o.urls.join(" ")}\n`,
    );
  }
  try {
    process.stdout.write(
      `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}\n`,
    );
    const verify = await measureVerifyRate({ durationMs: 2_000 });
    const verifyRate = typeof verify === "number" ? verify : (verify as { perSecond: number }).perSecond;
    process.stdout.write(`signature verification ceiling: ${fmt(verifyRate)} ed25519 verifications/s on all cores\n`);
    process.stdout.write(
      `workload '${o.workload}': ${workloads[o.workload].description}; ${o.workers} client workers, batches of ${o.batch}, ${o.inflight} in flight each, ${o.durationSec} s per run\n\n`,
    );
    const runs: RunResult[] = [];
    for (const [k, rate] of o.rates.entries()) {
      const st = await new CityChainClient({ url, identity: await loadIdentity(identity as string) }).status();
      runs.push(await runOnce(o, st.chainId, url, identity as string, rate, st.height, `${Date.now()}-${k}`));
    }
    printTable(verifyRate, runs);
    const report = { workload: o.workload, verifyRatePerSec: verifyRate, cores: availableParallelism(), runs };
    const outFile =
      o.out ?? join("bench-results", `${o.workload}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    mkdirSync(join(outFile, ".."), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\nJSON: ${outFile}\n`);
  } finally {
    await cleanup();
  }
}

// `npm run bench -- recall [options]` is the trace and recall benchmark (bench-recall.ts).
if (process.argv[2] === "recall") await import("./bench-recall.ts");
else await main();
