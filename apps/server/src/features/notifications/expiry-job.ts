import { PERMISSIONS, type Role } from '@gapal/shared';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { runWrite, systemActor, type WriteDeps } from '../../domain/write-context.ts';
import { registerDailyJob, startDailyJob } from '../../lib/daily-job.ts';
import {
  type ExpiringLot,
  expiringLots,
  knownDedupeKeys,
  type NewNotification,
} from './notifications.repo.ts';
import { notify } from './notify.ts';

const STOCK_MANAGERS: readonly Role[] = PERMISSIONS['stock.write'];

/**
 * Creates the expiry notifications due today (business time zone): for each lot still holding
 * stock, the tightest threshold it has reached (D-3 then D-1 by default; a lot first seen at D-2
 * gets the D-3 one, at D-0 the D-1 one) and, once past its date, an "expired" one. Each exists
 * once per lot and threshold, whichever process or run gets there first: the dedupe key is
 * unique in the database, and concurrent runs insert in the same key order so they can't deadlock.
 * Returns how many were created by this run.
 */
export async function runExpiryCheck(
  deps: WriteDeps,
  options: { alertDays: readonly number[]; now?: Date },
): Promise<number> {
  return runWrite(
    deps,
    systemActor('expiry-check'),
    async (ctx) => {
      const horizon = Math.max(0, ...options.alertDays);
      const due = (await expiringLots(ctx.tx, ctx.clock.today, horizon)).flatMap((lot) => {
        const item = expiryNotification(lot, options.alertDays);
        return item ? [item] : [];
      });
      if (due.length === 0) return 0;
      // Skip what an earlier run stored (cheap); the insert's ON CONFLICT settles races between runs.
      const known = await knownDedupeKeys(
        ctx.tx,
        due.map((item) => item.dedupeKey!),
      );
      const items = due
        .filter((item) => !known.has(item.dedupeKey!))
        .sort((a, b) => (a.dedupeKey! < b.dedupeKey! ? -1 : 1));
      return items.length === 0 ? 0 : notify(ctx, items);
    },
    { name: 'expiry-check', now: options.now },
  );
}

function expiryNotification(lot: ExpiringLot, alertDays: readonly number[]): NewNotification | null {
  const audience = { siteId: lot.siteId, roles: STOCK_MANAGERS, userId: null };
  const data = {
    lot_id: lot.lotId,
    lot_code: lot.code,
    product_id: lot.productId,
    expiry_date: lot.expiryDate,
    quantity: lot.quantity,
  };
  if (lot.daysLeft < 0) {
    return {
      kind: 'lot_expire',
      audience,
      data,
      params: lotParams(lot),
      dedupeKey: `expiry:${lot.lotId}:expired`,
    };
  }
  const threshold = Math.min(...alertDays.filter((days) => days >= lot.daysLeft));
  if (!Number.isFinite(threshold)) return null;
  return {
    kind: 'lot_expiration_proche',
    audience,
    data: { ...data, days_before: threshold },
    params: { ...lotParams(lot), days_left: lot.daysLeft },
    dedupeKey: `expiry:${lot.lotId}:D-${threshold}`,
  };
}

function lotParams(lot: ExpiringLot) {
  return {
    product_name: lot.productName,
    lot_code: lot.code,
    quantity: lot.quantity,
    unit: lot.unit,
    expiry_date: lot.expiryDate,
  };
}

/**
 * Runs the check now, then every day at `expiry.checkHour` in the business time zone. Several
 * processes may all run it: the database keeps each notification single. `stop` waits for a run
 * in progress so the database can be closed after it.
 */
export function startExpiryScheduler(
  deps: WriteDeps & { config: Pick<Config, 'timeZone' | 'expiry'>; log: FastifyBaseLogger },
): { stop(): Promise<void> } {
  const { timeZone, expiry } = deps.config;
  return startDailyJob({
    name: 'expiry check',
    hour: expiry.checkHour,
    timeZone,
    log: deps.log,
    run: () => runExpiryCheck(deps, { alertDays: expiry.alertDays }),
  });
}

/** Starts the scheduler when the app is ready and stops it (waiting for a run) when it closes. */
export function registerExpiryScheduler(
  app: FastifyInstance,
  deps: WriteDeps & { config: Pick<Config, 'timeZone' | 'expiry'> },
): void {
  registerDailyJob(app, (log) => startExpiryScheduler({ ...deps, log }));
}
