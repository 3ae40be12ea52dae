import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Database, Db } from './db/client.ts';
import type { WriteHook } from './domain/write-context.ts';
import type { Identities } from './features/auth/request-auth.ts';
import type { TokenSigner } from './features/auth/tokens.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { EventBus } from './realtime/bus.ts';

/** What features need from the outside world; built once in `buildApp`, no container. */
export type AppDeps = {
  config: Config;
  database: Database;
  db: Db;
  signer: TokenSigner;
  /** Identities read for access tokens, kept a second; the user and device routes clear them. */
  identities: Identities;
  /** Live events to the sockets of every process; writes publish through `runWrite` (domain/write-context.ts). */
  bus: EventBus;
  /** Run inside every write before its commit; empty in the app (the pipeline test adds a probe). */
  writeHooks: Set<WriteHook>;
  /** Counters shared by every process (login failures, rate limits) when `REDIS_URL` is set. */
  redis: Redis | null;
  /** This app's Prometheus metrics (requests, sync mutations, sockets, pool), served at /metrics. */
  metrics: Metrics;
};
