import type { Order } from '@gapal/shared';
import type { Database } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import type { EventBus } from '../../realtime/bus.ts';
import { createOutbox, publishOutbox } from '../notifications/outbox.ts';
import { inPipelinedStockTransaction } from '../stock/stock-ledger.service.ts';
import { type DeliveryRequest, deliverOrders } from './order-delivery.service.ts';

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
 * An order asked twice waits for the next batch, where its status answers the second request.
 * If a batch fails as a whole (not a refused order: those get their own 4xx inside the batch),
 * its requests are delivered one by one, so one bad request can't fail the others.
 */
export function createDeliveryQueue(
  database: Database,
  bus: EventBus,
  options: { maxBatch?: number } = {},
): DeliveryQueue {
  const maxBatch = options.maxBatch ?? 64;
  let waiting: Waiting[] = [];
  /** The one batch loop, while there is work: batches run one after the other, never together. */
  let running: Promise<void> | null = null;
  /** Committed batches' live events on their way to the bus. */
  const publishes = new Set<Promise<void>>();

  async function run(batch: Waiting[]): Promise<void> {
    const outbox = createOutbox();
    const deliver = (items: Waiting[]) =>
      inPipelinedStockTransaction(database, (tx, finish) =>
        deliverOrders(
          tx,
          items.map((item) => item.request),
          outbox,
          finish,
        ),
      );
    let results: Array<Order | AppError | { failed: unknown }>;
    try {
      results = await deliver(batch);
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
    // The live events go out while the next batch runs: the answers and the next batch's stock
    // locks need not wait for the bus (publishOutbox never throws).
    const publishing = publishOutbox(database.db, bus, outbox).finally(() => publishes.delete(publishing));
    publishes.add(publishing);
  }

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const batch: Waiting[] = [];
      const later: Waiting[] = [];
      const ids = new Set<string>();
      for (const item of waiting) {
        if (batch.length < maxBatch && !ids.has(item.request.id)) {
          ids.add(item.request.id);
          batch.push(item);
        } else later.push(item);
      }
      waiting = later;
      await run(batch).catch((error: unknown) => {
        for (const item of batch) item.reject(error);
      });
    }
    running = null;
  }

  return {
    deliver(request) {
      return new Promise<Order>((resolve, reject) => {
        waiting.push({ request, resolve, reject });
        running ??= drain();
      });
    },
    async idle() {
      while (running || publishes.size > 0) {
        await running;
        await Promise.all(publishes);
      }
    },
  };
}
