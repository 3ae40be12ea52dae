/**
 * `npm run bench memory`: the server's start-up time and resident memory at rest, started the way
 * production starts it, from the TypeScript sources through tsx (`node --import tsx
 * src/server.ts`, as before #25) and compiled (`node --conditions=gapal-compiled dist/server.js`,
 * built first), each `BENCH_MEMORY_RUNS` times (3) on a throwaway PostgreSQL database. Resident
 * memory is read from /proc after the server has answered /api/ready/ and sat idle 10 s.
 * (Memory under load: every bench prints its server process's peak; `BENCH_SERVER=compiled`
 * runs that process compiled.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchSize, withBenchDatabase } from './support/bench-server.ts';
import { freePort, killServer, startServer } from './support/power-cut-server.ts';
import { buildServer, megabytes, residentBytes, type ServerBuild } from './support/server-process.ts';
import { loadAverage } from './support/stats.ts';

const RUNS = benchSize('BENCH_MEMORY_RUNS', 3, 1);
const IDLE_MS = benchSize('BENCH_MEMORY_IDLE_MS', 10_000, 1_000);
const BUILDS = ['tsx', 'compiled'] as const;

type Sample = { readySeconds: number; idleBytes: number };

buildServer();
const startLoad = loadAverage();
const results: Record<ServerBuild, Sample[]> = { tsx: [], compiled: [] };
for (let run = 1; run <= RUNS; run += 1) {
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
