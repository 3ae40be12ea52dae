import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { runWrite, systemActor, type WriteDeps } from '../../domain/write-context.ts';
import { registerDailyJob, startDailyJob } from '../../lib/daily-job.ts';
import { pruneChanges } from './sync-pull.repo.ts';
import { SYNC_LOG_RETENTION_DAYS } from './sync-pull.service.ts';

/** At night in the business time zone, when phones are off the network. */
const PRUNING_HOUR = 2;

/**
 * Drops the sync change log's rows older than its retention, at start-up and every night: the
 * log gains a row per change of an order or a product's stock, forever otherwise. A phone whose
 * cursor is older than the retention gets a full snapshot instead (sync-pull.service.ts), so
 * nothing it needs is lost. Several processes may all run it.
 */
export function startSyncLogPruning(deps: WriteDeps & { log: FastifyBaseLogger }): { stop(): Promise<void> } {
  return startDailyJob({
    name: 'sync log pruning',
    hour: PRUNING_HOUR,
    timeZone: deps.config.timeZone,
    log: deps.log,
    // One DELETE statement: autocommitted.
    run: async () => ({
      deleted: await runWrite(
        deps,
        systemActor('sync-log-pruning'),
        (ctx) => pruneChanges(ctx.tx, SYNC_LOG_RETENTION_DAYS),
        { name: 'sync-log-pruning', autocommit: true },
      ),
    }),
  });
}

/** Starts the pruning when the app is ready and stops it (waiting for a run) when it closes. */
export function registerSyncLogPruning(app: FastifyInstance, deps: WriteDeps): void {
  registerDailyJob(app, (log) => startSyncLogPruning({ ...deps, log }));
}
