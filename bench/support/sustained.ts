/**
 * Sustained measurement for the write and list benches (issue #23): each workload runs for a fixed
 * time after a short warm-up that is not counted, and the whole measurement repeats
 * `BENCH_RUNS` times; per run, throughput, latency, the CPU each process spent per operation, the
 * WAL written per operation and the server's resident memory; over the runs, min / median / max.
 *
 * Knobs: `BENCH_SECONDS` (20; quick 2) each write workload's window, `BENCH_WARM_UP_SECONDS`
 * (3; quick 0.5) its warm-up, `BENCH_RUNS` (3; quick 1) the repetitions.
 */
import type pg from 'pg';
import { benchSize } from './bench-server.ts';
import { cpuMsSince, postgresCpu, postgresCpuSince } from './cpu.ts';
import { residentBytes } from './server-process.ts';
import { percentile } from './stats.ts';

export const SECONDS = benchSize('BENCH_SECONDS', 20, 2);
export const WARM_UP_SECONDS = benchSize('BENCH_WARM_UP_SECONDS', 3, 0.5);
export const RUNS = benchSize('BENCH_RUNS', 3, 1);

/** One operation of a client: how many units it did (orders in a push), or null when none is left. */
export type Operation = (client: number) => Promise<number | null>;

export type Sample = {
  count: number;
  seconds: number;
  perSecond: number;
  /** Latency of each operation (ms). */
  p50: number;
  p99: number;
  max: number;
  failures: number;
  /** The clients ran out of work before the window closed. */
  exhausted: boolean;
  /** Per unit: CPU (ms) of the server process, the PostgreSQL backends, this load generator. */
  cpu: { server: number; postgres: number; client: number };
  /** WAL bytes per unit (the whole cluster's WAL: another database's writes would count too). */
  walPerOp: number;
  /** The server process's resident memory (bytes), sampled every 100 ms. */
  rss: { mean: number; peak: number };
};

/** What a measurement reads besides the load: the server's CPU and process, a client to PostgreSQL. */
export type Probe = { db: pg.Client; serverCpu: () => Promise<number>; serverPid: number };

/**
 * `clients` loops calling `operation` until `seconds` have passed (or it returns null); each
 * operation's latency is kept. A failed operation is counted when `operation` throws a
 * `FailedOperation`; anything else thrown stops the bench.
 */
export async function runFor(
  clients: number,
  seconds: number,
  operation: Operation,
): Promise<{ count: number; seconds: number; latencies: number[]; failures: number; exhausted: boolean }> {
  const latencies: number[] = [];
  let count = 0;
  let failures = 0;
  let exhausted = false;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          const done = await operation(client);
          if (done === null) {
            exhausted = true;
            return;
          }
          count += done;
        } catch (error) {
          if (!(error instanceof FailedOperation)) throw error;
          failures += 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { count, seconds: (performance.now() - started) / 1000, latencies, failures, exhausted };
}

/** An answer the bench counts as failed without stopping (a list request that was not 200). */
export class FailedOperation extends Error {}

/**
 * A warm-up of `warmUpSeconds` (not counted), then the measured window of `seconds`, with the
 * CPU, WAL and resident memory around it.
 */
export async function measureWindow(
  probe: Probe,
  {
    clients,
    seconds = SECONDS,
    warmUpSeconds = WARM_UP_SECONDS,
    operation,
  }: { clients: number; seconds?: number; warmUpSeconds?: number; operation: Operation },
): Promise<Sample> {
  if (warmUpSeconds > 0) await runFor(clients, warmUpSeconds, operation);
  const before = {
    server: await probe.serverCpu(),
    postgres: await postgresCpu(probe.db),
    client: process.cpuUsage(),
    wal: await walLsn(probe.db),
  };
  const memory = sampleMemory(probe.serverPid);
  const run = await runFor(clients, seconds, operation);
  const rss = memory.stop();
  const units = Math.max(1, run.count);
  const cpu = {
    server: ((await probe.serverCpu()) - before.server) / units,
    postgres: (await postgresCpuSince(probe.db, before.postgres)) / units,
    client: cpuMsSince(before.client) / units,
  };
  const wal = await walBytesSince(probe.db, before.wal);
  const latencies = run.latencies.length > 0 ? run.latencies : [0];
  return {
    count: run.count,
    seconds: run.seconds,
    perSecond: run.count / run.seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: percentile(latencies, 1),
    failures: run.failures,
    exhausted: run.exhausted,
    cpu,
    walPerOp: wal / units,
    rss,
  };
}

async function walLsn(db: pg.Client): Promise<string> {
  const { rows } = await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  return rows[0]!.lsn;
}

async function walBytesSince(db: pg.Client, lsn: string): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint AS bytes',
    [lsn],
  );
  return Number(rows[0]!.bytes);
}

/** Samples `pid`'s VmRSS every 100 ms until `stop()`: the mean and the peak (bytes). */
export function sampleMemory(pid: number, everyMs = 100): { stop(): { mean: number; peak: number } } {
  let total = 0;
  let samples = 0;
  let peak = 0;
  const take = () => {
    const bytes = residentBytes(pid);
    if (bytes === undefined) return;
    total += bytes;
    samples += 1;
    peak = Math.max(peak, bytes);
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      take();
      return { mean: samples > 0 ? total / samples : 0, peak };
    },
  };
}

/** Each workload's samples, one per run, in the order the workloads were first measured. */
export class Runs {
  readonly samples = new Map<string, { kind: 'write' | 'read'; unit: string; runs: Sample[] }>();

  add(label: string, kind: 'write' | 'read', unit: string, sample: Sample, run: number): void {
    let entry = this.samples.get(label);
    if (!entry) {
      entry = { kind, unit, runs: [] };
      this.samples.set(label, entry);
    }
    entry.runs.push(sample);
    console.log(`run ${run} ${label}: ${sampleText(sample, unit)}`);
  }

  /** Min / median / max over the runs of each figure, as a Markdown table. */
  print(): void {
    const spread = (values: number[], digits = 0) => {
      const sorted = [...values].sort((a, b) => a - b);
      const f = (v: number) => v.toFixed(digits);
      if (sorted.length === 1) return f(sorted[0]!);
      return `${f(sorted[0]!)} / ${f(median(sorted))} / ${f(sorted.at(-1)!)}`;
    };
    console.log(
      `\nOver ${RUNS} run(s), min / median / max (CPU, WAL and mean memory: median; peak memory: max):\n`,
    );
    console.log(
      '| workload | throughput /s | p50 ms | p99 ms | max ms | CPU ms per op (server · PostgreSQL · load gen.) | WAL bytes per op | server RSS mean · peak MB | failed |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const [label, { kind, unit, runs }] of this.samples) {
      const med = (pick: (s: Sample) => number) => median([...runs.map(pick)].sort((a, b) => a - b));
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
      console.log(
        `| ${label} | ${spread(runs.map((s) => s.perSecond))} ${unit} | ${spread(
          runs.map((s) => s.p50),
          1,
        )} | ${spread(
          runs.map((s) => s.p99),
          1,
        )} | ${spread(
          runs.map((s) => s.max),
          0,
        )} | ${med((s) => s.cpu.server).toFixed(3)} · ${med((s) => s.cpu.postgres).toFixed(3)} · ${med(
          (s) => s.cpu.client,
        ).toFixed(3)} | ${kind === 'write' ? med((s) => s.walPerOp).toFixed(0) : '—'} | ${mb(
          med((s) => s.rss.mean),
        )} · ${mb(Math.max(...runs.map((s) => s.rss.peak)))} | ${runs.reduce((n, s) => n + s.failures, 0)}${
          runs.some((s) => s.exhausted) ? ' (ran out of work)' : ''
        } |`,
      );
    }
    const peak = Math.max(...[...this.samples.values()].flatMap((e) => e.runs.map((s) => s.rss.peak)));
    console.log(
      `\nserver resident memory, peak over every workload: ${(peak / 1024 / 1024).toFixed(0)} MB (budget 200 MB)`,
    );
  }
}

function median(sorted: number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function sampleText(s: Sample, unit: string): string {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  return (
    `${s.perSecond.toFixed(0)} ${unit}/s (${s.count} in ${s.seconds.toFixed(1)} s${s.exhausted ? ', RAN OUT OF WORK' : ''}), ` +
    `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(0)} ms, ${s.failures} failed; ` +
    `CPU per op: server ${s.cpu.server.toFixed(3)} ms, PostgreSQL ${s.cpu.postgres.toFixed(3)} ms, load generator ${s.cpu.client.toFixed(3)} ms; ` +
    `WAL ${s.walPerOp.toFixed(0)} B per op; server RSS mean ${mb(s.rss.mean)}, peak ${mb(s.rss.peak)}`
  );
}
