import {
  SYNC_MIN_SCHEMA_VERSION,
  SYNC_SCHEMA_VERSION,
  type SyncMutation,
  type SyncMutationResult,
  type SyncPushInput,
  type SyncPushResponse,
} from '@gapal/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.ts';
import { isDatabaseUnavailable } from '../../db/database-errors.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import { type BusinessClock, businessClock, runWrite, type WriteDeps } from '../../domain/write-context.ts';
import { notifyOrdersBatchCreated, notifySyncRejected, type OrderRef } from '../notifications/notify.ts';
import { findProducts, type ProductRef } from '../orders/orders.repo.ts';
import { pushSummary } from './sync.repo.ts';
import { syncDevice, withTemporaryFailures } from './sync-device.ts';
import {
  createOrdersFast,
  type FastOrder,
  type PricedLine,
  takeOrderNumbers,
} from './sync-fast-create.repo.ts';
import { isStored, type PushScope, processMutation } from './sync-general-path.ts';
import { isRetryableConflict } from './sync-mutation-faults.ts';
import { parseArgs, SyncRejection } from './sync-mutations.ts';

/** 426 for a client too old to speak this protocol, 400 for one from the future. */
export function assertSchemaVersion(version: unknown): void {
  if (typeof version !== 'number') return; // the body schema reports it
  if (version < SYNC_MIN_SCHEMA_VERSION) {
    throw new AppError(
      'upgrade_required',
      'Cette version de l’application est trop ancienne pour se synchroniser : mettez-la à jour',
      { schema_version: version, min_schema_version: SYNC_MIN_SCHEMA_VERSION },
    );
  }
  if (version > SYNC_SCHEMA_VERSION) {
    throw new AppError('validation_error', 'Version du protocole de synchronisation inconnue', {
      fields: [
        {
          field: 'schema_version',
          message: `au plus ${SYNC_SCHEMA_VERSION}`,
          code: 'too_big',
          params: { origin: 'number', maximum: SYNC_SCHEMA_VERSION, inclusive: true },
        },
      ],
    });
  }
}

/**
 * Applies a batch in order, each mutation in its own write (its events published after its
 * commit). A gap in the sequence stops the batch (the rest is `skipped`); a rejection is stored
 * and the sequence moves on. Whatever one mutation triggers rejects only that one; only the
 * database itself failing answers 503. The push's writes share one business clock.
 */
export async function pushMutations(
  deps: WriteDeps,
  actor: Actor,
  input: SyncPushInput,
  log?: FastifyBaseLogger,
): Promise<SyncPushResponse> {
  assertSchemaVersion(input.schema_version);
  const device = await syncDevice(deps.db, actor, input.device_id);
  const push: PushScope = {
    actor: { ...actor, deviceId: device.id },
    deviceId: device.id,
    deviceSiteId: device.siteId,
  };
  const clock = businessClock(deps.config.timeZone);
  const prices = await pricesOf(deps.db, input.mutations);

  // The leading run of plain order creations goes in one statement; the rest one at a time.
  const fastResults = await withTemporaryFailures(() =>
    createLeadingOrders(deps, push, device.lastSeq, input.mutations, prices, clock, log),
  );
  const results: SyncMutationResult[] = [...fastResults];
  let stopped: SyncPushResponse['stopped'] = null;
  for (const mutation of input.mutations.slice(fastResults.length)) {
    if (stopped) {
      results.push({ id: mutation.id, seq: mutation.seq, status: 'skipped' });
      continue;
    }
    const outcome = await processMutation(deps, push, mutation, log, clock.now);
    if ('gap' in outcome) {
      stopped = { reason: 'seq_gap', expected_seq: outcome.gap };
      results.push({ id: mutation.id, seq: mutation.seq, status: 'skipped' });
      continue;
    }
    results.push(outcome);
  }

  await notifyRejections(deps, push, input.mutations, results, clock);
  const { lastSeq, ...counts } = await pushSummary(deps.db, device.id, device.siteId);
  return {
    device_id: device.id,
    results,
    last_seq: lastSeq,
    stopped,
    stats: {
      sent: input.mutations.length,
      applied: results.filter((result) => result.status === 'applied').length,
      duplicates: results.filter((result) => result.status === 'duplicate').length,
      rejected: results.filter((result) => result.status === 'rejected').length,
      ...counts,
      stock_alert: counts.low_stock_count + counts.out_of_stock_count > 0,
    },
  };
}

/** Product prices for every order creation of the batch, read once (prices are frozen at creation). */
async function pricesOf(db: Db, mutations: SyncMutation[]): Promise<Map<string, ProductRef>> {
  const ids = new Set<string>();
  for (const mutation of mutations) {
    if (mutation.name !== 'create_order') continue;
    const items = (mutation.args as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      const id = (item as { product_id?: unknown } | null)?.product_id;
      if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) ids.add(id);
    }
  }
  return ids.size > 0 ? findProducts(db, [...ids]) : new Map();
}

/**
 * The fast path (sync-fast-create.repo.ts) for the batch's leading run of plain order creations
 * by a vendor or manager of the device's site, starting right after the device's last sequence.
 * Returns their results, or none when the general path must decide (duplicates, gaps, refusals,
 * direct sales, and anything in the run the database refuses: one poisoned creation must not
 * fail the push, so the general path takes the run one by one and rejects only that one).
 */
async function createLeadingOrders(
  deps: WriteDeps,
  push: PushScope,
  lastSeq: number,
  mutations: SyncMutation[],
  prices: Map<string, ProductRef>,
  clock: BusinessClock,
  log: FastifyBaseLogger | undefined,
): Promise<SyncMutationResult[]> {
  if (push.actor.role === 'admin') return [];
  try {
    const orders: FastOrder[] = [];
    for (const mutation of mutations) {
      if (mutation.seq !== lastSeq + orders.length + 1) break;
      const order = plainCreation(mutation, prices, clock.today);
      if (!order) break;
      orders.push(order);
    }
    if (orders.length === 0) return [];
    // The numbers in a statement of their own (the site's counter row is not held while the
    // orders are written), then the orders in one statement (sync-fast-create.repo.ts).
    const firstNumber = await runWrite(
      deps,
      push.actor,
      (ctx) => takeOrderNumbers(ctx.tx, push.deviceSiteId, ctx.clock.today, orders.length),
      { name: 'sync.order_numbers', autocommit: true, attempts: 1, now: clock.now },
    );
    const created = await runWrite(
      deps,
      push.actor,
      async (ctx) => {
        const results = await createOrdersFast(ctx.tx, ctx.actor, {
          deviceId: push.deviceId,
          siteId: push.deviceSiteId,
          day: ctx.clock.today,
          now: ctx.clock.now,
          orders,
          firstNumber,
        });
        // The run's one "new orders" notification, committed with the orders it names.
        if (results) await notifyOrdersBatchCreated(ctx, createdRefs(push, orders, results));
        return results;
      },
      { name: 'sync.fast_create', attempts: 1, now: clock.now },
    );
    return created ?? [];
  } catch (error) {
    if (isDatabaseUnavailable(error) || isRetryableConflict(error)) throw error;
    log?.warn({ err: error, count: mutations.length }, 'sync fast path refused: the general path decides');
    return [];
  }
}

/**
 * A creation the fast path can take as it is: valid, priced, for today or later, not a direct
 * sale, not making a new client.
 */
function plainCreation(
  mutation: SyncMutation,
  prices: Map<string, ProductRef>,
  day: string,
): FastOrder | undefined {
  if (mutation.name !== 'create_order') return undefined;
  let args: ReturnType<typeof parseArgs<'create_order'>>;
  try {
    args = parseArgs('create_order', mutation.args);
  } catch (error) {
    if (error instanceof SyncRejection) return undefined;
    throw error;
  }
  if (args.direct_sale || (args.delivery_date && args.delivery_date < day)) return undefined;
  // An order naming a client of the directory is taken here (the statement checks and locks that
  // client); one with a new client made on the phone takes the general path, which makes it.
  if (args.new_client) return undefined;
  const lines: PricedLine[] = [];
  for (const item of args.items) {
    const product = prices.get(item.product_id);
    if (!product?.isActive) return undefined;
    lines.push({ productId: item.product_id, quantity: item.quantity, unitPrice: product.unitPrice });
  }
  return { mutation, args, lines };
}

/** What the notification names of each order the fast path made (its results are in run order). */
function createdRefs(push: PushScope, orders: FastOrder[], results: SyncMutationResult[]): OrderRef[] {
  return results.flatMap((result, index) =>
    result.order
      ? [
          {
            id: result.order.id,
            number: result.order.number,
            siteId: push.deviceSiteId,
            createdBy: push.actor.userId,
            clientName: orders[index]!.args.client_name,
            totalAmount: result.order.total_amount,
          },
        ]
      : [],
  );
}

/** One notification per push for the mutations refused this time (not for replays of old refusals). */
async function notifyRejections(
  deps: WriteDeps,
  { actor, deviceSiteId: siteId }: PushScope,
  mutations: SyncMutation[],
  results: SyncMutationResult[],
  clock: BusinessClock,
): Promise<void> {
  const refused = results.filter((result) => result.status === 'rejected' && isStored(result));
  if (refused.length === 0) return;
  const names = new Map(mutations.map((mutation) => [mutation.id, mutation.name]));
  await runWrite(
    deps,
    actor,
    (ctx) =>
      notifySyncRejected(ctx, {
        userId: actor.userId,
        siteId,
        deviceId: actor.deviceId,
        rejected: refused.map((result) => ({
          mutationId: result.id,
          type: names.get(result.id) ?? 'inconnue',
          reason: result.reason?.message ?? 'refusée',
          orderId: result.current?.id ?? null,
        })),
      }),
    { name: 'sync.notify_rejected', autocommit: true, now: clock.now },
  );
}
