/**
 * What the power-cut script checks after each restart, besides the ledger invariants: every
 * mutation the phones were answered is in the database exactly as answered (orders, payments,
 * cancellations, edits, deliveries, stored results, device sequences), and nothing else is.
 */
import { sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../apps/server/src/db/client.ts';
import type { Acknowledgements, Mutation, Phone } from './power-cut-phones.ts';

type OrderRow = {
  id: string;
  local_id: string;
  delivery_status: string;
  client_name: string;
  paid_amount: number;
};

/** The problems found; empty when the database holds exactly what the phones were told. */
export async function findEffectProblems(db: Db, phones: Phone[], acks: Acknowledgements): Promise<string[]> {
  const problems: string[] = [];
  const [orders, payments, stored, devices] = await Promise.all([
    selectRows<OrderRow>(db, sql`SELECT id, local_id, delivery_status, client_name, paid_amount FROM orders`),
    selectRows<{ order_id: string; n: number; total: number }>(
      db,
      sql`SELECT order_id, count(*)::int AS n, sum(amount)::int AS total FROM payments GROUP BY order_id`,
    ),
    selectRows<{ id: string; status: string }>(db, sql`SELECT id, status FROM sync_mutations`),
    selectRows<{ id: string; last_seq: number }>(db, sql`SELECT id, last_seq FROM devices`),
  ]);
  const byLocalId = new Map(orders.map((order) => [order.local_id, order]));
  const paid = new Map(payments.map((row) => [row.order_id, row]));
  const all = phones.flatMap((phone) => phone.sent);
  const applied = (mutation: Mutation) => acks.statusOf(mutation.id)?.status === 'applied';

  const unanswered = all.filter((mutation) => !acks.statusOf(mutation.id));
  if (unanswered.length > 0) problems.push(`${unanswered.length} mutations never answered`);

  // Creations: one order per applied creation, none for a rejected one, and no other order.
  const created = all.filter((mutation) => mutation.name === 'create_order' && applied(mutation));
  if (orders.length !== created.length) {
    problems.push(`${orders.length} orders in the database for ${created.length} applied creations`);
  }
  for (const mutation of all.filter((candidate) => candidate.name === 'create_order')) {
    const row = byLocalId.get(mutation.args.local_id);
    const outcome = acks.statusOf(mutation.id);
    if (outcome?.status === 'applied' && row?.id !== outcome.orderId) {
      problems.push(
        `applied creation ${mutation.id}: order ${outcome.orderId} is ${row ? `${row.id}` : 'missing'}`,
      );
    }
    if (outcome?.status === 'rejected' && row) problems.push(`rejected creation ${mutation.id} has an order`);
  }

  // Per order, what its applied mutations say it must be now.
  const expected = new Map<string, { payments: number; name?: string; cancelled: boolean }>();
  for (const mutation of all) {
    if (!applied(mutation) || mutation.name === 'create_order') continue;
    const entry = expected.get(mutation.args.local_id) ?? { payments: 0, cancelled: false };
    if (mutation.name === 'record_payment') entry.payments += 1;
    if (mutation.name === 'update_order') entry.name = mutation.args.client_name;
    if (mutation.name === 'cancel_order' || mutation.args.status === 'annulee') entry.cancelled = true;
    expected.set(mutation.args.local_id, entry);
  }
  for (const [localId, entry] of expected) {
    const row = byLocalId.get(localId);
    if (!row) {
      problems.push(`order ${localId} changed by applied mutations is missing`);
      continue;
    }
    const payment = paid.get(row.id) ?? { n: 0, total: 0 };
    if (
      payment.n !== entry.payments ||
      payment.total !== entry.payments * 100 ||
      row.paid_amount !== payment.total
    ) {
      problems.push(
        `order ${row.id}: ${entry.payments} applied payments, ${payment.n} stored (${payment.total} FCFA, paid_amount ${row.paid_amount})`,
      );
    }
    if (entry.name !== undefined && row.client_name !== entry.name) {
      problems.push(`order ${row.id}: last applied edit named ${entry.name}, it is ${row.client_name}`);
    }
    if (entry.cancelled && row.delivery_status !== 'annulee') {
      problems.push(`order ${row.id}: cancellation applied, it is ${row.delivery_status}`);
    }
  }
  const unexpectedPayments = payments.filter((row) => {
    const order = orders.find((candidate) => candidate.id === row.order_id);
    return !order || !expected.has(order.local_id);
  });
  if (unexpectedPayments.length > 0)
    problems.push(`${unexpectedPayments.length} orders have payments no phone was told of`);

  const status = new Map(orders.map((order) => [order.id, order.delivery_status]));
  const lost = [...acks.deliveries].filter((id) => status.get(id) !== 'livree');
  if (lost.length > 0) problems.push(`${lost.length} acknowledged deliveries are not delivered`);

  // The stored results and sequences: one per answered mutation, with its outcome.
  const storedStatus = new Map(stored.map((row) => [row.id, row.status]));
  const answered = all.filter((mutation) => acks.statusOf(mutation.id));
  const misstored = answered.filter(
    (mutation) => storedStatus.get(mutation.id) !== acks.statusOf(mutation.id)!.status,
  );
  if (misstored.length > 0)
    problems.push(`${misstored.length} mutations stored with another outcome, or not at all`);
  if (stored.length !== answered.length) {
    problems.push(`${stored.length} stored mutation results for ${answered.length} answered mutations`);
  }
  const lastSeq = new Map(devices.map((device) => [device.id, Number(device.last_seq)]));
  for (const phone of phones) {
    if (lastSeq.get(phone.deviceId) !== phone.nextSeq - 1) {
      problems.push(
        `${phone.name}: last_seq ${lastSeq.get(phone.deviceId)}, sent up to ${phone.nextSeq - 1}`,
      );
    }
  }
  return problems;
}
