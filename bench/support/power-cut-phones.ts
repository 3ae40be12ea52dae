/**
 * The power-cut script's phones: vendors pushing a mix of every sync mutation (creations, direct
 * sales, edits, payments, cancellations) and a manager's phone walking orders to `livree` with
 * `set_status`; and the outcome each mutation got, as the phones know them.
 */
import { randomUUID } from 'node:crypto';
import { type Json, ok } from './power-cut-server.ts';

export type Mutation = { id: string; seq: number; name: string; args: Json; client_time: string };
export type Outcome = { status: 'applied' | 'rejected'; orderId: string | null; reason: string | null };

/** An order a phone knows the server has (its creation was acknowledged). */
export type KnownOrder = { localId: string; orderId: string; status: string };

export type Phone = {
  name: string;
  token: string;
  deviceId: string;
  nextSeq: number;
  /** The batch sent when the server died (no answer): sent again after the restart. */
  inFlight: Mutation[] | null;
  /** Everything this phone sent, in sequence order. */
  sent: Mutation[];
  orders: KnownOrder[];
};

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** A vendor's next batch: 1 to 4 mutations, on the orders it knows the server has. */
export function vendorBatch(phone: Phone, productIds: string[]): Mutation[] {
  const batch: Mutation[] = [];
  const size = 1 + Math.floor(Math.random() * 4);
  for (let i = 0; i < size; i += 1) {
    const order = phone.orders.length > 0 ? pick(phone.orders) : undefined;
    const roll = Math.random();
    if (!order || roll < 0.45) {
      batch.push(next(phone, 'create_order', newOrder(productIds, i, false)));
    } else if (roll < 0.55) {
      batch.push(next(phone, 'create_order', newOrder(productIds, i, true)));
    } else if (roll < 0.7) {
      const name = `Client renommé ${randomUUID().slice(0, 8)}`;
      batch.push(next(phone, 'update_order', { local_id: order.localId, client_name: name }));
    } else if (roll < 0.88) {
      const method = pick(['especes', 'orange_money'] as const);
      batch.push(next(phone, 'record_payment', { local_id: order.localId, amount: 100, method }));
    } else if (roll < 0.95) {
      batch.push(next(phone, 'cancel_order', { local_id: order.localId }));
    } else {
      batch.push(next(phone, 'set_status', { local_id: order.localId, status: 'annulee' }));
    }
  }
  return batch;
}

const FORWARD: Record<string, string> = {
  nouvelle: 'en_preparation',
  en_preparation: 'en_cours',
  en_cours: 'livree',
};

/** The manager's phone moves vendors' orders one step forward, as far as it knows their status. */
export function managerBatch(phone: Phone, vendors: Phone[]): Mutation[] {
  const open = vendors.flatMap((vendor) => vendor.orders).filter((order) => FORWARD[order.status]);
  const batch: Mutation[] = [];
  for (let i = 0; i < 3 && open.length > 0; i += 1) {
    const order = open.splice(Math.floor(Math.random() * open.length), 1)[0]!;
    batch.push(next(phone, 'set_status', { local_id: order.localId, status: FORWARD[order.status] }));
  }
  return batch;
}

function next(phone: Phone, name: string, args: Json): Mutation {
  const mutation = {
    id: randomUUID(),
    seq: phone.nextSeq++,
    name,
    args,
    client_time: new Date().toISOString(),
  };
  phone.sent.push(mutation);
  return mutation;
}

function newOrder(productIds: string[], index: number, directSale: boolean) {
  return {
    local_id: randomUUID(),
    client_name: `Client ${randomUUID().slice(0, 8)}`,
    items: productIds.map((id, line) => ({ product_id: id, quantity: 1 + ((index + line) % 3) })),
    ...(directSale ? { direct_sale: true } : {}),
  };
}

/** What no valid mutation of this script should ever get: a server fault, a sequence problem. */
const UNEXPECTED_REASONS = new Set([
  'mutation_failed',
  'data_rejected',
  'seq_out_of_order',
  'mutation_id_conflict',
]);

/**
 * Every outcome the phones were told, by mutation id, and what the checks need besides: the
 * orders acknowledged as delivered, and how many mutations had committed without their answer
 * reaching the phone (found when the batch cut off by the kill is sent again: `duplicate`).
 */
export class Acknowledgements {
  readonly outcomes = new Map<string, Outcome>();
  readonly deliveries = new Set<string>();
  committedUnacknowledged = 0;
  readonly problems: string[] = [];

  /** Records a push's answer to `phone` (all known orders whose status it tells are updated). */
  record(phone: Phone, batch: Mutation[], response: Json, vendors: Phone[]): void {
    for (const result of response.results as Json[]) {
      const mutation = batch.find((candidate) => candidate.id === result.id);
      if (!mutation) continue;
      if (result.status === 'skipped') {
        this.problems.push(`${phone.name} seq ${mutation.seq} skipped (${JSON.stringify(response.stopped)})`);
        continue;
      }
      const status = result.status === 'duplicate' ? result.original_status : result.status;
      const outcome: Outcome = {
        status,
        orderId: result.order?.id ?? null,
        reason: result.reason?.code ?? null,
      };
      const known = this.outcomes.get(mutation.id);
      if (known) {
        this.expectSame(phone, mutation, known, result);
        continue;
      }
      if (result.status === 'duplicate') this.committedUnacknowledged += 1;
      if (outcome.reason && UNEXPECTED_REASONS.has(outcome.reason)) {
        this.problems.push(`${phone.name} ${mutation.name} rejected: ${JSON.stringify(result.reason)}`);
      }
      this.outcomes.set(mutation.id, outcome);
      this.learn(phone, mutation, result, outcome, vendors);
    }
  }

  /** A re-sent mutation already answered must be `duplicate` with the outcome it had. */
  private expectSame(phone: Phone, mutation: Mutation, known: Outcome, result: Json): void {
    const same =
      result.status === 'duplicate' &&
      result.original_status === known.status &&
      (result.order?.id ?? null) === known.orderId &&
      (result.reason?.code ?? null) === known.reason;
    if (!same) {
      this.problems.push(
        `${phone.name} seq ${mutation.seq} ${mutation.name} re-sent: expected duplicate of ${JSON.stringify(known)}, got ${JSON.stringify(result).slice(0, 300)}`,
      );
    }
  }

  private learn(phone: Phone, mutation: Mutation, result: Json, outcome: Outcome, vendors: Phone[]): void {
    const localId = mutation.args.local_id as string;
    const status = result.order?.delivery_status ?? result.current?.delivery_status;
    if (mutation.name === 'create_order' && outcome.status === 'applied') {
      phone.orders.push({ localId, orderId: outcome.orderId!, status });
      if (mutation.args.direct_sale) this.deliveries.add(outcome.orderId!);
      return;
    }
    for (const order of vendors.flatMap((vendor) => vendor.orders)) {
      if (order.localId === localId && status) order.status = status;
    }
    if (mutation.name === 'set_status' && outcome.status === 'applied' && mutation.args.status === 'livree') {
      this.deliveries.add(outcome.orderId!);
    }
  }

  statusOf(mutationId: string): Outcome | undefined {
    return this.outcomes.get(mutationId);
  }
}

/** One push of `mutations` from `phone`; throws when the server does not answer 200. */
export function pushBatch(base: string, phone: Phone, mutations: Mutation[]): Promise<Json> {
  return ok(base, 'POST', '/api/sync/push/', phone.token, {
    device_id: phone.deviceId,
    schema_version: 1,
    mutations,
  });
}
