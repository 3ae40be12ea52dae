import { SyncMutationArgsSchemas } from '@gapal/shared';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process. One registry per process (module state): a deployment runs
 * one app per process, and features record through the helpers below without passing it around.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'gapal_' });

export const httpRequests = new Counter({
  name: 'gapal_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'gapal_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  // Sync pushes over 2G take seconds; dashboard reads should stay under 100 ms.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const syncMutations = new Counter({
  name: 'gapal_sync_mutations_total',
  help: 'Mutations pushed by devices, by mutation name and result (applied, duplicate, rejected)',
  labelNames: ['name', 'result'] as const,
  registers: [registry],
});

const COUNTED_RESULTS = new Set(['applied', 'duplicate', 'rejected']);

/** Called by the sync push once per mutation answered; `skipped` ones are pushed again later. */
export function recordSyncMutation(name: string, result: string): void {
  if (!COUNTED_RESULTS.has(result)) return;
  // Names come from phones: an unknown one must not create a new series.
  syncMutations.inc({ name: name in SyncMutationArgsSchemas ? name : 'unknown', result });
}

type PoolStats = { total: number; idle: number; waiting: number };
const poolSources = new Set<() => PoolStats | null>();
const webSocketSources = new Set<() => number>();

/** Reads the live count at scrape time, so a crashed handler can never leave it wrong. */
export function trackWebSockets(count: () => number): () => void {
  webSocketSources.add(count);
  return () => webSocketSources.delete(count);
}

export function trackDatabasePool(stats: () => PoolStats | null): () => void {
  poolSources.add(stats);
  return () => poolSources.delete(stats);
}

new Gauge({
  name: 'gapal_websocket_connections',
  help: 'Open WebSocket connections on this process',
  registers: [registry],
  collect() {
    let total = 0;
    for (const count of webSocketSources) total += count();
    this.set(total);
  },
});

new Gauge({
  name: 'gapal_db_pool_connections',
  help: 'PostgreSQL pool connections of this process, by state (total, idle, waiting requests)',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const sum: PoolStats = { total: 0, idle: 0, waiting: 0 };
    for (const source of poolSources) {
      const stats = source();
      if (!stats) continue;
      sum.total += stats.total;
      sum.idle += stats.idle;
      sum.waiting += stats.waiting;
    }
    for (const state of ['total', 'idle', 'waiting'] as const) this.set({ state }, sum[state]);
  },
});
