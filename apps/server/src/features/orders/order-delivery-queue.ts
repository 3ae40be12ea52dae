import type { Order } from '@gapal/shared';
import type { Database } from '../../db/client.ts';
import { AppError } from '../../domain/errors.ts';
import { runPipelinedWrite, systemActor, type WriteDeps } from '../../domain/write-context.ts';
import { type DeliveryRequest, deliverOrders } from './order-delivery.service.ts';

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
 * Each batch's transaction is pipelined (Database.pipelinedTransaction), and the next batch
 * starts as soon as the one before has sent its COMMIT: its BEGIN and order lock-read travel
 * with that COMMIT and run right after it, so batches never wait on each other's locks and a
 * batch costs two round trips. An order asked again while its batch runs waits for a later
 * batch, where its status answers the second request.
 *
 * If a batch fails as a whole (not a refused order: those get their own 4xx inside the batch),
 * its requests are delivered one by one, so one bad request can't fail the others.
 *
 * A batch is one write (runPipelinedWrite) whose actor is the queue; each request's own actor
 * is on its movements, status change and audit row.
 */
export function createDeliveryQueue(
  deps: WriteDeps & { database: Pick<Database, 'pipelinedTransaction'> },
  options: { maxBatch?: number } = {},
): DeliveryQueue {
  const maxBatch = options.maxBatch ?? 64;
  let waiting: Waiting[] = [];
  /** The orders of the batches started and not yet answered. */
  const inFlight = new Set<string>();
  /** A batch has started and not yet sent its COMMIT: the next one waits for that. */
  let opening = false;
  /** Batches in flight and committed batches' live events on their way to the bus. */
  const pending = new Set<Promise<void>>();

  function track(work: Promise<void>): void {
    const tracked = work.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  async function run(batch: Waiting[], onCommitSent: () => void): Promise<void> {
    // The live events go out while the next batch runs: the answers and the next batch's stock
    // locks need not wait for the bus.
    const deliver = (items: Waiting[], sent?: () => void) =>
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
          ),
        { name: 'orders.delivery_batch', publishing: track },
      );
    let results: Array<Order | AppError | { failed: unknown }>;
    try {
      results = await deliver(batch, onCommitSent);
    } catch (error) {
      if (batch.length === 1) results = [{ failed: error }];
      else {
        results = [];
        for (const item of batch) {
          results.push(
            await deliver([item]).then(
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

  /** Starts a batch of the waiting requests, unless one is still to send its COMMIT. */
  function startNext(): void {
    if (opening) return;
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
    opening = true;
    for (const id of ids) inFlight.add(id);
    let sent = false;
    const commitSent = () => {
      if (sent) return;
      sent = true;
      opening = false;
      startNext();
    };
    track(
      run(batch, commitSent)
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
