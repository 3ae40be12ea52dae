/** CPU accounting for the benchmarks: what each process of the measured system used. */
import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** CPU (ms, user + system) this process has used since `before`. */
export function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** CPU (ms) used so far by the PostgreSQL backends serving this database (Linux /proc). */
export async function postgresCpu(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // not on Linux, or the backend is gone
    }
  }
  return (ticks * 1000) / 100;
}
