import type { Order } from '@gapal/shared';
import type { Database } from '../../db/client.ts';
import { AppError } from '../../domain/errors.ts';
import { runPipelinedWrite, systemActor, type WriteDeps } from '../../domain/write-context.ts';
import { type DeliveryRequest, deliverOrders, deliveryNeedsCare } from './order-delivery.service.ts';

const BATCH_ACTOR = systemActor('delivery-batch');

export type DeliveryQueue = {
  /** Delivers the order (`PATCH …/status/` with `livree`); resolves once committed (its live events follow). */
  deliver(request: DeliveryRequest): Promise<Order>;
  /** Resolves when nothing is waiting, running or being published (tests, shutdown). */
  idle(): Promise<void>;
};

type Waiting = {
  request: DeliveryRequest;
  resolve: (order: Order) => void;
  reject: (error: unknown) => void;
};

/**
 * Groups the deliveries that arrive together into one transaction (deliverOrders): while a batch
 * runs, the requests that come in wait and go together in the next one, so a busy hour's
 * deliveries share their statements, their stock locks and their commit (bench/RESULTS.md). An
 * idle server delivers a request at once, as a batch of one: nothing waits for a timer.
 *
 * Each batch's transaction is pipelined (Database.pipelinedTransaction) on one of the database's
 * lanes (pipelined connections), and a lane's next batch starts as soon as the one before has
 * sent its COMMIT: its BEGIN and order lock-read travel with that COMMIT and run right after it.
 * With more than one lane, a batch is first tried `plain` (deliverOrders): its stock statement,
 * status write and COMMIT go out together, so it holds its products' stock locks for no round
 * trip, and batches on two lanes that share products wait on each other only while PostgreSQL
 * runs the later one's stock statement (every batch locks its products in id order: no
 * deadlock). A batch whose stock needs more (a shortage, an alert, an expired lot allowed) rolls
 * back and is made again the careful way, its stock read back before its status is written.
 * One lane is the default (db/client.ts DELIVERY_LANES: two measured no better, bench/RESULTS.md). An order
 * is in one batch at a time: asked again while its batch runs, it waits for a later batch,
 * where its status answers the second request.
 *
 * If a batch fails as a whole (not a refused order: those get their own 4xx inside the batch),
 * its requests are delivered one by one, so one bad request can't fail the others.
 *
 * A batch is one write (runPipelinedWrite) whose actor is the queue; each request's own actor
 * is on its movements, status change and audit row.
 */
export function createDeliveryQueue(
  deps: WriteDeps & { database: Pick<Database, 'pipelinedTransaction' | 'pipelinedLanes'> },
  options: { maxBatch?: number } = {},
): DeliveryQueue {
  const maxBatch = options.maxBatch ?? 64;
  let waiting: Waiting[] = [];
  /** The orders of the batches started and not yet answered. */
  const inFlight = new Set<string>();
  /** The lanes whose batch has not yet sent its COMMIT: a lane's next batch waits for that. */
  const opening = new Set<number>();
  const lanes = Math.max(1, deps.database.pipelinedLanes);
  /** Batches in flight and committed batches' live events on their way to the bus. */
  const pending = new Set<Promise<void>>();

  function track(work: Promise<void>): void {
    const tracked = work.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  async function run(batch: Waiting[], lane: number, onCommitSent: () => void): Promise<void> {
    // The live events go out while the next batch runs: the answers and the next batch's stock
    // locks need not wait for the bus.
    const deliver = (items: Waiting[], plain: boolean, sent?: () => void) =>
      runPipelinedWrite(
        deps,
        BATCH_ACTOR,
        (ctx, finish) =>
          deliverOrders(
            ctx,
            items.map((item) => item.request),
            (last) => {
              const done = finish(last);
              sent?.();
              return done;
            },
            { plain },
          ),
        { name: 'orders.delivery_batch', publishing: track, lane },
      );
    let results: Array<Order | AppError | { failed: unknown }>;
    try {
      results = await deliver(batch, lanes > 1, onCommitSent).catch((error: unknown) => {
        if (!deliveryNeedsCare(error)) throw error;
        onCommitSent();
        return deliver(batch, false);
      });
    } catch (error) {
      if (batch.length === 1) results = [{ failed: error }];
      else {
        results = [];
        for (const item of batch) {
          results.push(
            await deliver([item], false).then(
              (one) => one[0]!,
              (failed: unknown) => ({ failed }),
            ),
          );
        }
      }
    }
    for (const [index, item] of batch.entries()) {
      const result = results[index]!;
      if (result instanceof AppError) item.reject(result);
      else if ('failed' in result) item.reject(result.failed);
      else item.resolve(result);
    }
  }

  /** Starts a batch of the waiting requests on a lane whose last batch has sent its COMMIT, if any. */
  function startNext(): void {
    let lane = 0;
    while (lane < lanes && opening.has(lane)) lane += 1;
    if (lane === lanes) return;
    const batch: Waiting[] = [];
    const later: Waiting[] = [];
    const ids = new Set<string>();
    for (const item of waiting) {
      const id = item.request.id;
      if (batch.length < maxBatch && !ids.has(id) && !inFlight.has(id)) {
        ids.add(id);
        batch.push(item);
      } else later.push(item);
    }
    if (batch.length === 0) return;
    waiting = later;
    opening.add(lane);
    for (const id of ids) inFlight.add(id);
    let sent = false;
    const commitSent = () => {
      if (sent) return;
      sent = true;
      opening.delete(lane);
      startNext();
    };
    track(
      run(batch, lane, commitSent)
        .catch((error: unknown) => {
          for (const item of batch) item.reject(error);
        })
        .finally(() => {
          for (const id of ids) inFlight.delete(id);
          commitSent();
          // An order of this batch asked again can go now.
          startNext();
        }),
    );
  }

  return {
    deliver(request) {
      return new Promise<Order>((resolve, reject) => {
        waiting.push({ request, resolve, reject });
        startNext();
      });
    },
    async idle() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
