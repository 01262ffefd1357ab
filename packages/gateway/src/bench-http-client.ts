// The HTTP load of bench-gateway.ts, in a process of its own so that the gateway's process CPU is the
// gateway's alone. Run: node --import tsx bench-http-client.ts <gateway URL> <bodies file>
// The file holds one request per line, "<lane>\t<JSON body>". Requests of a lane go one after another, lanes
// concurrently. Prints "start" when the first request goes, then one JSON line
// {accepted, rejected, elapsedMs, latenciesMs, cpuUs} (cpuUs: this process's CPU while sending).
import { readFileSync } from "node:fs";

const [url, file] = process.argv.slice(2);
const lanes = new Map<number, string[]>();
for (const line of readFileSync(file, "utf8").split("\n")) {
  if (line === "") continue;
  const tab = line.indexOf("\t");
  const lane = Number(line.slice(0, tab));
  const list = lanes.get(lane) ?? [];
  list.push(line.slice(tab + 1));
  lanes.set(lane, list);
}

let accepted = 0;
let rejected = 0;
const latenciesMs: number[] = [];
process.stdout.write("start\n");
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(
  [...lanes.values()].map(async (bodies) => {
    for (const body of bodies) {
      const t = performance.now();
      const res = await fetch(`${url}/v1/readings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const answer = (await res.json()) as { accepted?: number; rejected?: number; error?: { message: string } };
      if (res.status !== 200) throw new Error(`gateway answered ${res.status}: ${answer.error?.message}`);
      accepted += answer.accepted ?? 0;
      rejected += answer.rejected ?? 0;
      latenciesMs.push(performance.now() - t);
    }
  }),
);
const cpu = process.cpuUsage(cpu0);
const elapsedMs = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({ accepted, rejected, elapsedMs, latenciesMs, cpuUs: cpu.user + cpu.system })}\n`,
);
