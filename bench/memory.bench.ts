/**
 * `npm run bench memory`: the server's start-up time and resident memory at rest, started the way
 * production starts it, from the TypeScript sources through tsx (`node --import tsx
 * src/server.ts`, as before #25) and compiled (`node --conditions=gapal-compiled dist/server.js`,
 * built first), each `BENCH_MEMORY_RUNS` times (3) on a throwaway PostgreSQL database. Resident
 * memory is read from /proc after the server has answered /api/ready/ and sat idle 10 s.
 *
 * Then under load (issue #23, ≤ 200 MB): the compiled server with each of `BENCH_MEMORY_SETTINGS`
 * (`default`: plain `node`; `production`: the environment and Node flags of apps/server's `npm
 * start`, which the Dockerfile, the systemd unit and run-multiprocess repeat; or `label=VAR=value
 * --flag …`, `;`-separated), 16 clients creating `BENCH_MEMORY_LOAD_ORDERS` orders each (300),
 * delivering them and reading the order list, the resident memory sampled every 100 ms: at rest,
 * mean and peak, with V8's heap and the external memory at the end (from /metrics).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchSize, withBenchDatabase } from './support/bench-server.ts';
import { loadSettings, measureUnderLoad } from './support/memory-load.ts';
import { freePort, killServer, startServer } from './support/power-cut-server.ts';
import { buildServer, megabytes, residentBytes, type ServerBuild } from './support/server-process.ts';
import { loadAverage } from './support/stats.ts';

const RUNS = benchSize('BENCH_MEMORY_RUNS', 3, 1);
const IDLE_MS = benchSize('BENCH_MEMORY_IDLE_MS', 10_000, 1_000);
const BUILDS = ['tsx', 'compiled'] as const;
const AT_REST = process.env.BENCH_MEMORY_AT_REST !== '0';

type Sample = { readySeconds: number; idleBytes: number };

buildServer();
const startLoad = loadAverage();
const results: Record<ServerBuild, Sample[]> = { tsx: [], compiled: [] };
for (let run = 1; AT_REST && run <= RUNS; run += 1) {
  // Alternated, so a change in the machine's load falls on both.
  for (const build of BUILDS) {
    const sample = await withBenchDatabase('gapal_bench_memory', ({ url }) => measure(build, url));
    console.log(
      `run ${run} ${build.padEnd(8)} ready in ${sample.readySeconds.toFixed(2)} s, idle ${megabytes(sample.idleBytes)}`,
    );
    results[build].push(sample);
  }
}

const spread = (values: number[], format: (n: number) => string) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return `${format(sorted[0]!)} / ${format(median)} / ${format(sorted.at(-1)!)}`;
};
if (AT_REST) printAtRest();

// Under load, each setting in turn, RUNS times alternately.
const settings = loadSettings();
const loaded = new Map(settings.map((setting) => [setting.label, [] as string[]]));
for (let run = 1; run <= RUNS; run += 1) {
  for (const setting of settings) {
    const line = await withBenchDatabase('gapal_bench_memory_load', ({ url }) =>
      measureUnderLoad(setting, url),
    );
    console.log(`run ${run} ${setting.label}: ${line}`);
    loaded.get(setting.label)!.push(line);
  }
}
console.log(`\nNode ${process.version}, load average at end ${loadAverage()}`);
console.log(
  '| settings | resident at rest / mean / peak under load (MB) | at the end: heap total / used / external (MB) | deliveries/s |',
);
console.log('| --- | --- | --- | --- |');
for (const setting of settings) {
  for (const line of loaded.get(setting.label)!)
    console.log(`| ${setting.label} (${setting.text || 'node'}) | ${line} |`);
}

async function measure(build: ServerBuild, databaseUrl: string): Promise<Sample> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-bench-memory-'));
  const started = performance.now();
  const server = await startServer(databaseUrl, dataDir, await freePort(), build);
  try {
    const readySeconds = (performance.now() - started) / 1000;
    await sleep(IDLE_MS);
    const idleBytes = residentBytes(server.pid!);
    if (idleBytes === undefined) throw new Error(`the ${build} server exited while idle`);
    return { readySeconds, idleBytes };
  } finally {
    await killServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function printAtRest(): void {
  console.log(`\nNode ${process.version}, load average ${startLoad} → ${loadAverage()}`);
  console.log('| server | ready (min / median / max) | resident idle (min / median / max) |');
  console.log('| --- | --- | --- |');
  for (const build of BUILDS) {
    const label = build === 'tsx' ? 'node --import tsx src/server.ts' : 'node dist/server.js (compiled)';
    const ready = spread(
      results[build].map((s) => s.readySeconds),
      (n) => `${n.toFixed(2)} s`,
    );
    console.log(
      `| ${label} | ${ready} | ${spread(
        results[build].map((s) => s.idleBytes),
        megabytes,
      )} |`,
    );
  }
}
