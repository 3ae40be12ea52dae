import { SyncMutationArgsSchemas } from '@gapal/shared';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

type PoolStats = { total: number; idle: number; waiting: number };
type RequestLabels = { method: string; route: string; status_code: string };

/** The Prometheus metrics of one app: built in `buildApp`, reached through its deps. */
export type Metrics = {
  recordRequest(labels: RequestLabels, seconds: number): void;
  /** Once per mutation a push answered; `skipped` ones are pushed again later and not counted. */
  recordSyncMutation(name: string, result: string): void;
  /** Reads the live count at scrape time, so a crashed handler can never leave it wrong. */
  trackWebSockets(count: () => number): () => void;
  trackDatabasePool(stats: () => PoolStats | null): () => void;
  /** The text a scrape returns: the process's metrics, then the app's. */
  scrape(): Promise<string>;
  contentType: string;
};

const COUNTED_RESULTS = new Set(['applied', 'duplicate', 'rejected']);

export function createMetrics(): Metrics {
  const registry = new Registry();
  const httpRequests = new Counter({
    name: 'gapal_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
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

  const poolSources = new Set<() => PoolStats | null>();
  const webSocketSources = new Set<() => number>();
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

  return {
    recordRequest(labels, seconds) {
      httpRequests.inc(labels);
      httpDuration.observe(labels, seconds);
    },
    recordSyncMutation(name, result) {
      if (!COUNTED_RESULTS.has(result)) return;
      // Names come from phones: an unknown one must not create a new series.
      syncMutations.inc({ name: name in SyncMutationArgsSchemas ? name : 'unknown', result });
    },
    trackWebSockets(count) {
      webSocketSources.add(count);
      return () => webSocketSources.delete(count);
    },
    trackDatabasePool(stats) {
      poolSources.add(stats);
      return () => poolSources.delete(stats);
    },
    async scrape() {
      return `${await processMetrics().metrics()}\n${await registry.metrics()}`;
    },
    contentType: registry.contentType,
  };
}

let processRegistry: Registry | undefined;

/**
 * CPU, memory, event loop and GC of the process: the process's own state, so one registry per
 * process, made at the first scrape (its collectors observe the whole process, whatever the app).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'gapal_' });
  }
  return processRegistry;
}
