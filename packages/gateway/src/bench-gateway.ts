// Benchmark, not a test: prints figures, never passes or fails on them.
// Run: node --import tsx packages/gateway/src/bench-gateway.ts [--readings 100000] [--runs 3] [--e2e-readings 100000] [--skip-e2e]
//
// 1. the machine's signature-verification ceiling (every reading needs one);
// 2. readings/s verified + batched (Merkle root computed) in-process, by verify threads, Ed25519 and P-256;
// 3. the same through the HTTP API on loopback;
// 4. readings/s anchored end to end on a real one-validator network (node as a separate process).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  ed25519Backend,
  generateKeyPair,
  loadIdentity,
  measureSingleThreadVerifyRate,
  measureVerifyRate,
} from "@citychain/crypto";
import type { SignatureAlgorithm } from "@citychain/protocol";
import { CityChainClient, SUPPLY_CHAIN_CONTRACT } from "@citychain/sdk";
import { pino } from "pino";
import { StaticDeviceDirectory } from "./device-directory.ts";
import { createDeviceSigner, type DeviceSigner, publicKeyPemOf, type SignedReading } from "./device-signer.ts";
import { Gateway } from "./gateway.ts";
import { createGatewayIdentity } from "./gateway-identity.ts";
import { ReadingIntake } from "./intake.ts";
import type { LiveBatch } from "./live-batch.ts";
import { merkleLevels, rootOfLevels } from "./merkle-levels.ts";
import { ProofService } from "./proof-service.ts";
import { createGatewayServer } from "./server.ts";
import { createSignatureChecker } from "./signature-checker.ts";
import { GatewayStore } from "./store.ts";
import { signedReadingToJson } from "./wire.ts";

const GOAL_READINGS_PER_S = 100_000;
const READINGS_PER_REQUEST = 1_000;
/** Concurrent requests; each lane carries its own devices, so a device's readings arrive in seq order. */
const LANES = 4;
const BATCH_READINGS = 100_000;
const CLI_MAIN = fileURLToPath(new URL("../../cli/src/main.ts", import.meta.url));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const READINGS = arg("readings", 100_000);
const RUNS = arg("runs", 3);
const E2E_READINGS = arg("e2e-readings", 100_000);
const SKIP_E2E = process.argv.includes("--skip-e2e");
const DEVICES = 1_000;
const E2E_DEVICES = 100;

const fmt = (n: number) => Math.round(n).toLocaleString("en");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}
const latency = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${percentile(xs, 100).toFixed(1)} ms`;

/** Peak resident memory while `f` runs (sampled every 50 ms). */
async function withPeakRss<T>(f: () => Promise<T>): Promise<{ value: T; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await f();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMiB: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** `count` readings of `devices` devices, grouped in requests per lane, each device's readings in seq order. */
function signLoad(devices: DeviceSigner[], count: number): SignedReading[][][] {
  const perDevice = Math.ceil(count / devices.length);
  const lanes: SignedReading[][] = Array.from({ length: LANES }, () => []);
  for (let s = 0; s < perDevice; s++) {
    devices.forEach((d, i) => {
      if (lanes.reduce((n, l) => n + l.length, 0) < count) lanes[i % LANES].push(d.sign({ kwh: s / 10, v: 230 }));
    });
  }
  return lanes.map((l) => {
    const requests: SignedReading[][] = [];
    for (let i = 0; i < l.length; i += READINGS_PER_REQUEST) requests.push(l.slice(i, i + READINGS_PER_REQUEST));
    return requests;
  });
}

function devicesOf(count: number, alg: SignatureAlgorithm, prefix: string): DeviceSigner[] {
  return Array.from({ length: count }, (_, i) =>
    createDeviceSigner({ deviceId: `${prefix}-${i}`, keyPair: generateKeyPair(alg) }),
  );
}

function directoryOf(devices: DeviceSigner[]): StaticDeviceDirectory {
  const directory = new StaticDeviceDirectory();
  for (const d of devices) {
    const k = d.keyPair;
    directory.set({
      id: d.deviceId,
      operator: "bench",
      status: "active",
      keys: [{ alg: k.alg, publicKey: k.publicKey, publicKeyHex: Buffer.from(k.publicKey).toString("hex") }],
      keyTxId: "00".repeat(32),
    });
  }
  return directory;
}

interface RunResult {
  perSecond: number;
  accepted: number;
  latenciesMs: number[];
  /** CPU time of the whole process (all threads) per accepted reading: independent of other load on the machine. */
  cpuUsPerReading: number;
}

/** CPU microseconds (user + system, all threads of this process) spent in `f`. */
async function withCpu<T>(f: () => Promise<T>): Promise<{ value: T; cpuUs: number }> {
  const before = process.cpuUsage();
  const value = await f();
  const used = process.cpuUsage(before);
  return { value, cpuUs: used.user + used.system };
}

/** Sends every lane's requests (lanes concurrently, requests of a lane in order); counts accepted readings. */
async function drive(
  lanes: unknown[][],
  send: (request: unknown) => Promise<number>,
): Promise<{ accepted: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  let accepted = 0;
  await Promise.all(
    lanes.map(async (requests) => {
      for (const r of requests) {
        const t = performance.now();
        const n = await send(r);
        accepted += n;
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  return { accepted, latenciesMs };
}

/** Intake over a fresh store: verify, file, seal, and hash every batch's Merkle root. */
async function inProcessRun(
  lanes: SignedReading[][][],
  directory: StaticDeviceDirectory,
  threads: number,
  http: boolean,
): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "citychain-bench-gw-"));
  const store = GatewayStore.open(dir);
  const checker = createSignatureChecker(threads);
  const sealed: LiveBatch[] = [];
  const intake = ReadingIntake.restore({
    store,
    directory,
    checker,
    batchReadingsMax: BATCH_READINGS,
    onSealed: (b) => sealed.push(b),
  });
  await checker.verify([]); // pool threads started before the clock runs
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
  const bodies = http
    ? lanes.map((l) => l.map((r) => JSON.stringify({ readings: r.map(signedReadingToJson) })))
    : lanes;
  try {
    const t0 = performance.now();
    const { value: result, cpuUs } = await withCpu(async () => {
      const driven = await drive(bodies, async (request) => {
        if (!http) return (await intake.submit(request as SignedReading[])).filter((o) => o.accepted).length;
        const res = await fetch(`${url}/v1/readings`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: request as string,
        });
        return ((await res.json()) as { accepted: number }).accepted;
      });
      intake.seal();
      for (const b of sealed) {
        await Promise.all(b.writes);
        rootOfLevels(merkleLevels(b.leaves));
      }
      return driven;
    });
    const elapsedS = (performance.now() - t0) / 1000;
    return { ...result, perSecond: result.accepted / elapsedS, cpuUsPerReading: cpuUs / result.accepted };
  } finally {
    await app?.close();
    await checker.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inProcessSection(): Promise<void> {
  console.log(
    `\n## verified + batched in-process (${fmt(READINGS)} readings of ${DEVICES} devices, ${RUNS} runs each)`,
  );
  console.log(
    "readings per request 1,000; 4 requests in flight; batch 100,000; fresh LMDB store per run (fsync'd commits)",
  );
  const configs: { alg: SignatureAlgorithm; threads: number; http: boolean; readings: number }[] = [
    { alg: "ed25519", threads: 0, http: false, readings: READINGS },
    { alg: "ed25519", threads: 1, http: false, readings: READINGS },
    { alg: "ed25519", threads: 2, http: false, readings: READINGS },
    { alg: "p256", threads: 2, http: false, readings: Math.min(READINGS, 40_000) },
    { alg: "ed25519", threads: 2, http: true, readings: READINGS },
  ];
  const loads = new Map<SignatureAlgorithm, { lanes: SignedReading[][][]; directory: StaticDeviceDirectory }>();
  for (const alg of ["ed25519", "p256"] as const) {
    const readings = configs.find((c) => c.alg === alg)?.readings ?? 0;
    const devices = devicesOf(DEVICES, alg, `bench-${alg}`);
    const t = performance.now();
    loads.set(alg, { lanes: signLoad(devices, readings), directory: directoryOf(devices) });
    console.log(
      `signed ${fmt(readings)} ${alg} readings in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed below)`,
    );
  }
  console.log(
    "\n| path | alg | verify threads | median readings/s | runs | % of goal | CPU µs/reading | request latency (median run) | peak RSS MiB |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const c of configs) {
    const { lanes, directory } = loads.get(c.alg) as { lanes: SignedReading[][][]; directory: StaticDeviceDirectory };
    const runs: RunResult[] = [];
    let peak = 0;
    for (let r = 0; r < RUNS; r++) {
      const { value, peakMiB } = await withPeakRss(() => inProcessRun(lanes, directory, c.threads, c.http));
      if (value.accepted !== c.readings) throw new Error(`only ${value.accepted} of ${c.readings} readings accepted`);
      runs.push(value);
      peak = Math.max(peak, peakMiB);
    }
    const rates = runs.map((r) => r.perSecond);
    const mid = runs.find((r) => r.perSecond === median(rates)) as RunResult;
    console.log(
      `| ${c.http ? "HTTP" : "in-process"} | ${c.alg} | ${c.threads} | ${fmt(median(rates))} | ${rates.map(fmt).join("; ")} | ${((median(rates) / GOAL_READINGS_PER_S) * 100).toFixed(0)}% | ${mid.cpuUsPerReading.toFixed(0)} | ${latency(mid.latenciesMs)} | ${peak.toFixed(0)} |`,
    );
  }
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

/** A one-validator network (node as a separate process), its devices registered, a gateway on it. */
async function endToEndSection(): Promise<void> {
  console.log(
    `\n## anchored end to end (1-validator network, node process; ${fmt(E2E_READINGS)} readings of ${E2E_DEVICES} devices over HTTP)`,
  );
  const dir = mkdtempSync(join(tmpdir(), "citychain-bench-gw-net-"));
  const port = 23_000 + Math.floor(Math.random() * 1000) * 2;
  let node: ChildProcess | undefined;
  let gateway: Gateway | undefined;
  try {
    cli([
      "network",
      "init",
      "--orgs",
      "city-iot",
      "--dir",
      dir,
      "--api-port-base",
      String(port),
      "--p2p-port-base",
      String(port + 1),
    ]);
    const apiUrl = `http://127.0.0.1:${port}`;
    node = spawn(
      process.execPath,
      ["--import", "tsx", CLI_MAIN, "node", "start", "--home", join(dir, "nodes", "city-iot-node")],
      {
        stdio: "ignore",
      },
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
    const lanes = signLoad(devices, E2E_READINGS);
    gateway = await Gateway.start({
      home: join(dir, "gateway"),
      apiUrl,
      identity: gw.identity,
      gatewayId: gw.identity.commonName,
      anchorIntervalMs: 1_000,
      batchReadingsMax: BATCH_READINGS,
      logger: pino({ level: "warn" }),
    });
    const url = await gateway.listen(0);
    const bodies = lanes.map((l) => l.map((r) => JSON.stringify({ readings: r.map(signedReadingToJson) })));
    const g = gateway;
    const { value, peakMiB } = await withPeakRss(async () => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = await drive(bodies, async (body) => {
        const res = await fetch(`${url}/v1/readings`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: body as string,
        });
        return ((await res.json()) as { accepted: number }).accepted;
      });
      const acceptedMs = performance.now() - t0;
      await g.anchorNow();
      const anchoredMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      return { result, acceptedMs, anchoredMs, cpuUsPerReading: (cpu.user + cpu.system) / result.accepted };
    });
    const anchors = g.anchorer.anchored;
    console.log(
      `accepted ${fmt(value.result.accepted)} readings in ${(value.acceptedMs / 1000).toFixed(2)} s (${fmt(value.result.accepted / (value.acceptedMs / 1000))} readings/s accepted)`,
    );
    console.log(
      `all anchored after ${(value.anchoredMs / 1000).toFixed(2)} s in ${anchors} anchors: ${fmt(value.result.accepted / (value.anchoredMs / 1000))} readings/s anchored end to end (${((value.result.accepted / (value.anchoredMs / 1000) / GOAL_READINGS_PER_S) * 100).toFixed(0)}% of the goal); last reading to its anchor committed: ${((value.anchoredMs - value.acceptedMs) / 1000).toFixed(2)} s`,
    );
    console.log(
      `request latency ${latency(value.result.latenciesMs)}; gateway process ${value.cpuUsPerReading.toFixed(0)} CPU µs/reading, peak RSS ${peakMiB.toFixed(0)} MiB (node process not counted)`,
    );
  } finally {
    await gateway?.stop().catch(() => {});
    node?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

const cores = availableParallelism();
console.log(`# IoT gateway benchmark — goal ${fmt(GOAL_READINGS_PER_S)} readings/s per gateway`);
console.log(`machine: ${cores} cores, Node ${process.version}, Ed25519 backend ${ed25519Backend}`);
const single = measureSingleThreadVerifyRate({ durationMs: 1500 });
const pooled = await measureVerifyRate({ durationMs: 1500, threads: cores });
console.log(
  `verification ceiling: ${fmt(single)} Ed25519 verify/s on one thread, ${fmt(pooled)} on the ${cores}-thread pool`,
);
await inProcessSection();
if (!SKIP_E2E) await endToEndSection();
