// Benchmark, not a test: prints figures, never passes or fails on them.
// Run: node --import tsx packages/gateway/src/bench-gateway.ts [--readings 200000] [--single-readings 40000]
//        [--runs 3] [--e2e-readings 500000] [--e2e-single-readings 40000] [--skip-e2e] [--only "batch 1,000"]
//        [--profile <dir>] (CPU profiles of the main thread of each intake run)
//
// 1. the machine's signature-verification ceiling (a single signed reading needs one verification each);
// 2. readings/s verified, stored (fsync'd) and batched with their Merkle roots, side by side for single
//    signed readings and device batches of 100 and 1,000 readings: in-process (the load in this process)
//    and over HTTP on loopback (the load from a separate client process, so the CPU figure is the gateway's);
// 3. readings/s anchored end to end on a real one-validator network (the node a separate process).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ed25519Backend, loadIdentity, measureSingleThreadVerifyRate, measureVerifyRate } from "@citychain/crypto";
import { CityChainClient, SUPPLY_CHAIN_CONTRACT } from "@citychain/sdk";
import { pino } from "pino";
import { devicesFor, devicesOf, directoryOf, type Load, type LoadShape, signLoad } from "./bench-load.ts";
import { fmt, latency, loadAverage, median, withCpu, withPeakRss } from "./bench-stats.ts";
import type { DeviceDirectory } from "./device-directory.ts";
import { publicKeyPemOf } from "./device-signer.ts";
import { Gateway } from "./gateway.ts";
import { createGatewayIdentity } from "./gateway-identity.ts";
import { createBatchHasher } from "./hash-pool.ts";
import { ReadingIntake } from "./intake.ts";
import type { LiveBatch } from "./live-batch.ts";
import { ProofService } from "./proof-service.ts";
import { createGatewayServer } from "./server.ts";
import { createSignatureChecker } from "./signature-checker.ts";
import { GatewayStore } from "./store.ts";

const GOAL_READINGS_PER_S = 100_000;
const READINGS_PER_REQUEST = 1_000;
/** Concurrent requests; each lane carries its own devices, so a device's readings arrive in seq order. */
const LANES = 4;
const BATCH_READINGS = 100_000;
const CLI_MAIN = fileURLToPath(new URL("../../cli/src/main.ts", import.meta.url));
const HTTP_CLIENT = fileURLToPath(new URL("./bench-http-client.ts", import.meta.url));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const READINGS = arg("readings", 200_000);
const SINGLE_READINGS = arg("single-readings", 40_000);
const RUNS = arg("runs", 3);
const E2E_READINGS = arg("e2e-readings", 500_000);
const E2E_SINGLE_READINGS = arg("e2e-single-readings", 40_000);
const SKIP_E2E = process.argv.includes("--skip-e2e");
/** Internal: this process runs the end-to-end section only (the main run starts it so its memory is its own). */
const E2E_ONLY = process.argv.includes("--e2e-only");
/** Runs only the rows whose label ("batch 1,000 ed25519 HTTP 2") contains this text. */
const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : "";
/** Writes a CPU profile of the main thread of each intake run into this directory (open in Chrome DevTools). */
const PROFILE_DIR = process.argv.includes("--profile") ? process.argv[process.argv.indexOf("--profile") + 1] : "";
let profiles = 0;

/** Runs `f` under the inspector's CPU profiler when --profile is given. */
async function profiled<T>(name: string, f: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return f();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await f();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    mkdirSync(PROFILE_DIR, { recursive: true });
    writeFileSync(
      join(PROFILE_DIR, `${++profiles}-${name.replace(/[^a-z0-9]+/gi, "-")}.cpuprofile`),
      JSON.stringify(profile),
    );
    session.disconnect();
  }
}

interface RunResult {
  perSecond: number;
  accepted: number;
  latenciesMs: number[];
  /** CPU time of the gateway's process (all threads) per accepted reading. */
  cpuUsPerReading: number;
  /** Over HTTP: CPU time of the client process per reading. */
  clientCpuUsPerReading?: number;
}

const pct = (perSecond: number) => `${((perSecond / GOAL_READINGS_PER_S) * 100).toFixed(0)}%`;
const form = (s: LoadShape) => (s.batchSize === 1 ? "single" : `batch ${fmt(s.batchSize)}`);

/** Runs the lanes' requests, lanes concurrently, the requests of a lane in order; counts accepted readings. */
async function drive<T>(
  lanes: T[][],
  send: (request: T) => Promise<number>,
): Promise<{ accepted: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  let accepted = 0;
  await Promise.all(
    lanes.map(async (requests) => {
      for (const r of requests) {
        const t = performance.now();
        // Awaited first: `accepted += await ...` would add to the total read before the wait.
        const n = await send(r);
        accepted += n;
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  return { accepted, latenciesMs };
}

/** Writes request bodies for the client process, one per line: "<lane>\t<body>". */
function writeBodies(bodies: string[][]): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "citychain-bench-gw-load-"));
  const file = join(dir, "bodies.txt");
  writeFileSync(file, bodies.flatMap((lane, i) => lane.map((b) => `${i}\t${b}\n`)).join(""));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Sends the bodies in `file` from a client process; resolves when it has sent the first request, then when it is done. */
function httpClient(url: string, file: string): { started: Promise<void>; done: Promise<RunResult> } {
  const child = spawn(process.execPath, ["--import", "tsx", HTTP_CLIENT, url, file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  let started!: () => void;
  const startedP = new Promise<void>((r) => {
    started = r;
  });
  const done = new Promise<RunResult>((resolve, reject) => {
    lines.on("line", (line) => {
      if (line === "start") return started();
      const r = JSON.parse(line) as { accepted: number; elapsedMs: number; latenciesMs: number[]; cpuUs: number };
      resolve({
        accepted: r.accepted,
        latenciesMs: r.latenciesMs,
        perSecond: 0,
        cpuUsPerReading: 0,
        clientCpuUsPerReading: r.cpuUs / Math.max(1, r.accepted),
      });
    });
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`the HTTP client exited with ${code}`));
    });
  });
  return { started: startedP, done };
}

/**
 * One run over a fresh store: intake (verify, file, store with fsync), then the
 * batches sealed, their writes and id index durable and their Merkle roots computed.
 */
async function run(load: Load, directory: DeviceDirectory, threads: number, http: boolean): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "citychain-bench-gw-"));
  const store = GatewayStore.open(dir);
  const checker = createSignatureChecker(threads);
  const hasher = createBatchHasher(threads);
  const sealed: LiveBatch[] = [];
  const intake = ReadingIntake.restore({
    store,
    directory,
    checker,
    hasher,
    batchReadingsMax: BATCH_READINGS,
    onSealed: (b) => sealed.push(b),
  });
  await checker.verify([]); // pool threads started before the clock runs
  await hasher.hashBatches([[new Uint8Array(1)]]);
  const app = http
    ? createGatewayServer(
        {
          intake,
          proofs: new ProofService(store, new CityChainClient({ url: "http://127.0.0.1:9" }), "bench"),
          directory,
          store,
          status: () => ({}),
        },
        pino({ level: "silent" }),
      )
    : undefined;
  const url = app ? await app.listen({ port: 0, host: "127.0.0.1" }) : "";
  const finish = async () => {
    intake.seal();
    for (const b of sealed) {
      await Promise.all(b.writes);
      await hasher.rootOf(b.leaves);
    }
  };
  try {
    let t0 = performance.now();
    const { value, cpuUs } = await withCpu(async () => {
      if (!app) {
        const driven: Pick<RunResult, "accepted" | "latenciesMs" | "clientCpuUsPerReading"> = await drive(
          load.requests,
          async (request) => {
            const answer = await intake.submitRequest(request);
            let n = 0;
            for (const o of answer.readings) if (o.accepted) n++;
            for (const b of answer.batches) for (const o of b) if (o.accepted) n++;
            return n;
          },
        );
        await finish();
        return driven;
      }
      const bodies = writeBodies(load.bodies);
      try {
        const client = httpClient(url, bodies.file);
        await client.started;
        t0 = performance.now();
        const driven = await client.done;
        await finish();
        return driven;
      } finally {
        bodies.remove();
      }
    });
    const elapsedS = (performance.now() - t0) / 1000;
    return {
      ...value,
      perSecond: value.accepted / elapsedS,
      cpuUsPerReading: cpuUs / value.accepted,
    };
  } finally {
    await app?.close();
    await hasher.close();
    await checker.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Config {
  shape: LoadShape;
  threads: number;
  http: boolean;
}

async function intakeSection(): Promise<void> {
  const shape = (alg: LoadShape["alg"], batchSize: number): LoadShape => ({
    alg,
    batchSize,
    readings: batchSize === 1 ? SINGLE_READINGS : READINGS,
    readingsPerRequest: READINGS_PER_REQUEST,
    lanes: LANES,
  });
  const shapes = [shape("ed25519", 1), shape("ed25519", 100), shape("ed25519", 1000), shape("p256", 1000)];
  const configs: Config[] = [];
  for (const s of shapes.slice(0, 3)) {
    configs.push({ shape: s, threads: 0, http: false }, { shape: s, threads: 2, http: false });
    configs.push({ shape: s, threads: 2, http: true });
  }
  configs.push({ shape: shapes[3], threads: 2, http: false });
  const label = (c: Config) => `${form(c.shape)} ${c.shape.alg} ${c.http ? "HTTP" : "in-process"} ${c.threads}`;
  const chosen = configs.filter((c) => label(c).includes(ONLY));
  console.log(
    `\n## verified, stored and batched (${RUNS} runs each, fresh LMDB store per run, fsync'd commits; ${fmt(READINGS_PER_REQUEST)} readings per request, ${LANES} requests in flight; single: ${fmt(SINGLE_READINGS)} readings, batches: ${fmt(READINGS)})`,
  );
  console.log(`load average before: ${loadAverage()}`);
  const rows: string[] = [];
  let loaded: { shape: LoadShape; load: Load; directory: DeviceDirectory } | undefined;
  for (const c of chosen) {
    if (loaded?.shape !== c.shape) {
      // One load in memory at a time (signed before its rows; not timed).
      loaded = undefined;
      const t = performance.now();
      const devices = devicesFor(c.shape, `bench-${c.shape.alg}-${c.shape.batchSize}`);
      loaded = { shape: c.shape, load: signLoad(c.shape, devices), directory: directoryOf(devices) };
      console.log(
        `signed ${fmt(c.shape.readings)} ${c.shape.alg} readings, ${form(c.shape)}, of ${devices.length} devices in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    const { load, directory } = loaded;
    const runs: RunResult[] = [];
    let peak = 0;
    let growth = 0;
    for (let r = 0; r < RUNS; r++) {
      const startMiB = process.memoryUsage().rss / 2 ** 20;
      const { value, peakMiB } = await withPeakRss(() =>
        profiled(label(c), () => run(load, directory, c.threads, c.http)),
      );
      growth = Math.max(growth, peakMiB - startMiB);
      if (value.accepted !== c.shape.readings)
        throw new Error(`only ${value.accepted} of ${c.shape.readings} readings accepted`);
      runs.push(value);
      peak = Math.max(peak, peakMiB);
    }
    const rates = runs.map((r) => r.perSecond);
    const mid = runs.find((r) => r.perSecond === median(rates)) as RunResult;
    const client = mid.clientCpuUsPerReading === undefined ? "" : ` (+${mid.clientCpuUsPerReading.toFixed(1)} client)`;
    rows.push(
      `| ${form(c.shape)} | ${c.shape.alg} | ${c.http ? "HTTP" : "in-process"} | ${c.threads} | ${fmt(median(rates))} | ${rates.map(fmt).join("; ")} | ${pct(median(rates))} | ${mid.cpuUsPerReading.toFixed(1)}${client} | ${latency(mid.latenciesMs)} | ${peak.toFixed(0)} (+${growth.toFixed(0)}) |`,
    );
    console.log(`  ${label(c)}: ${rates.map(fmt).join("; ")} readings/s (load average ${loadAverage()})`);
  }
  console.log(`load average after: ${loadAverage()}`);
  console.log(
    "\n| signed | alg | path | worker threads | median readings/s | runs | % of goal | CPU µs/reading (gateway process) | request p50 / p99 (median run) | peak RSS MiB (growth in a run) |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, ["--import", "tsx", CLI_MAIN, ...args], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`citychain ${args.join(" ")} failed: ${r.stderr}`);
}

async function waitForApi(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node at ${url} did not start`);
}

/** A one-validator network (node as a separate process), devices registered, a gateway on it, each load over HTTP. */
async function endToEndSection(): Promise<void> {
  const E2E_DEVICES = 100;
  console.log(
    `\n## anchored end to end (1-validator network, node process; gateway with 2 worker threads and a 1 s anchor interval; load over HTTP from a client process, ${E2E_DEVICES} devices)`,
  );
  const dir = mkdtempSync(join(tmpdir(), "citychain-bench-gw-net-"));
  const port = 23_000 + Math.floor(Math.random() * 1000) * 2;
  let node: ChildProcess | undefined;
  let gateway: Gateway | undefined;
  try {
    cli(["network", "init", "--orgs", "city-iot", "--dir", dir, "--api-port-base", String(port)]);
    const apiUrl = `http://127.0.0.1:${port}`;
    node = spawn(
      process.execPath,
      ["--import", "tsx", CLI_MAIN, "node", "start", "--home", join(dir, "nodes", "city-iot-node")],
      { stdio: "ignore" },
    );
    await waitForApi(apiUrl);
    const admin = new CityChainClient({
      url: apiUrl,
      identity: await loadIdentity(join(dir, "orgs", "city-iot", "admin")),
    });
    const gw = await createGatewayIdentity({
      caDir: join(dir, "orgs", "city-iot", "ca"),
      orgId: "city-iot",
      commonName: "urn:dev:city-iot:bench-gateway",
      outDir: join(dir, "gateway-identity"),
    });
    const devices = devicesOf(E2E_DEVICES, "ed25519", "urn:dev:city-iot:meter");
    await admin.submitTransaction(SUPPLY_CHAIN_CONTRACT, "Devices:Register", gw.identity.commonName, gw.publicKeyPem);
    await Promise.all(
      devices.map((d) =>
        admin.submitTransaction(SUPPLY_CHAIN_CONTRACT, "Devices:Register", d.deviceId, publicKeyPemOf(d.keyPair)),
      ),
    );
    gateway = await Gateway.start({
      home: join(dir, "gateway"),
      apiUrl,
      identity: gw.identity,
      gatewayId: gw.identity.commonName,
      anchorIntervalMs: 1_000,
      batchReadingsMax: BATCH_READINGS,
      verifyThreads: 2,
      logger: pino({ level: "warn" }),
    });
    const url = await gateway.listen(0);
    const g = gateway;
    console.log(`load average before: ${loadAverage()}`);
    console.log(
      "\n| signed | readings | accepted in | readings/s accepted | anchored after | readings/s anchored | % of goal | anchors | gateway CPU µs/reading | request p50 / p99 | peak RSS MiB of the gateway process (growth in the run) |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|---|");
    for (const [batchSize, readings] of [
      [1, E2E_SINGLE_READINGS],
      [1000, E2E_READINGS],
    ]) {
      const shape: LoadShape = {
        alg: "ed25519",
        batchSize,
        readings,
        readingsPerRequest: READINGS_PER_REQUEST,
        lanes: LANES,
      };
      // Only the file of bodies is kept: this process's memory is the gateway's (and the harness's).
      const bodies = writeBodies(signLoad(shape, devices).bodies);
      (globalThis as { gc?: () => void }).gc?.();
      const anchorsBefore = g.anchorer.anchored;
      const startMiB = process.memoryUsage().rss / 2 ** 20;
      const { value, peakMiB } = await withPeakRss(async () => {
        const cpu0 = process.cpuUsage();
        const client = httpClient(url, bodies.file);
        await client.started;
        const t0 = performance.now();
        const result = await client.done;
        const acceptedMs = performance.now() - t0;
        await g.anchorNow();
        const anchoredMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        return { result, acceptedMs, anchoredMs, cpuUsPerReading: (cpu.user + cpu.system) / result.accepted };
      });
      bodies.remove();
      const { result, acceptedMs, anchoredMs } = value;
      if (result.accepted !== readings) throw new Error(`only ${result.accepted} of ${readings} readings accepted`);
      const anchoredPerS = readings / (anchoredMs / 1000);
      console.log(
        `| ${form(shape)} | ${fmt(readings)} | ${(acceptedMs / 1000).toFixed(2)} s | ${fmt(readings / (acceptedMs / 1000))} | ${(anchoredMs / 1000).toFixed(2)} s | ${fmt(anchoredPerS)} | ${pct(anchoredPerS)} | ${g.anchorer.anchored - anchorsBefore} | ${value.cpuUsPerReading.toFixed(1)} (+${(result.clientCpuUsPerReading ?? 0).toFixed(1)} client) | ${latency(result.latenciesMs)} | ${peakMiB.toFixed(0)} (+${(peakMiB - startMiB).toFixed(0)}) |`,
      );
    }
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    await gateway?.stop().catch(() => {});
    node?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the end-to-end section in a process of its own (a fresh heap: its memory figures are the gateway's). */
function endToEndProcess(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const args = [
    "--e2e-only",
    "--e2e-readings",
    String(E2E_READINGS),
    "--e2e-single-readings",
    String(E2E_SINGLE_READINGS),
  ];
  // --expose-gc: the pre-signed load is dropped and collected before the measured runs.
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", self, ...args], { stdio: "inherit" });
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`end-to-end run exited with ${code}`)))),
  );
}

if (E2E_ONLY) {
  await endToEndSection();
} else {
  const cores = availableParallelism();
  console.log(`# IoT gateway benchmark — goal ${fmt(GOAL_READINGS_PER_S)} readings/s per gateway`);
  console.log(
    `machine: ${cores} cores, Node ${process.version}, Ed25519 backend ${ed25519Backend}; load average (1/5/15 min) ${loadAverage()}`,
  );
  const single = measureSingleThreadVerifyRate({ durationMs: 1500 });
  const pooled = await measureVerifyRate({ durationMs: 1500, threads: cores });
  console.log(
    `verification ceiling: ${fmt(single)} Ed25519 verify/s on one thread, ${fmt(pooled)} on the ${cores}-thread pool (a single signed reading needs one; a device batch one for all its readings)`,
  );
  await intakeSection();
  if (!SKIP_E2E) await endToEndProcess();
}
