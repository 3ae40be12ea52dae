/** CPU accounting for the benchmarks: what each process of the measured system used. */
import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** CPU (ms, user + system) this process has used since `before`. */
export function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** CPU (ms) each PostgreSQL backend serving this database has used so far, by process id. */
export type PostgresCpu = Map<number, number>;

/** The PostgreSQL backends' CPU now (Linux /proc; empty elsewhere), for `postgresCpuSince`. */
export async function postgresCpu(db: pg.Client): Promise<PostgresCpu> {
  const { rows } = await db.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const cpu: PostgresCpu = new Map();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // not on Linux, or the backend is gone
    }
  }
  return cpu;
}

/**
 * CPU (ms) the backends serving this database used since `before`: each backend's own
 * difference, all of it for a backend started since. A backend that ended in between (a pooled
 * connection closed when idle, an autovacuum worker) is left out, rather than its whole past
 * being taken off the total.
 */
export async function postgresCpuSince(db: pg.Client, before: PostgresCpu): Promise<number> {
  let used = 0;
  for (const [pid, now] of await postgresCpu(db)) used += now - (before.get(pid) ?? 0);
  return used;
}
