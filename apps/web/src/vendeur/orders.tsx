import { type SyncOrder, type SyncProduct, SyncProductSchema } from '@gapal/shared';
import {
  dismissRejected,
  isOrderEntry,
  type OrderOutboxEntry,
  OutboxEntrySchema,
  parseStoredRows,
  recentOrdersWindow,
  type StoredVoiceNote,
  voiceNotesFor,
} from '@gapal/sync-client';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { Icon } from '../components/icons.tsx';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { CardActions, DeliveryIssueNotice } from './order-card-extras.tsx';
import { cancelOrder } from './order-draft.ts';
import { explainRejection } from './rejections.ts';
import { forgetSavedOrders, useSavedOrders } from './saved-orders.ts';
import { markFirstScreenShown } from './start-up.ts';
import { db, useLive } from './sync.ts';
import { BigButton, money } from './ui.tsx';

const DELIVERY_LABELS: Record<SyncOrder['delivery_status'], string> = {
  nouvelle: 'Nouvelle',
  en_preparation: 'En préparation',
  en_cours: 'En livraison',
  livree: 'Livrée',
  annulee: 'Annulée',
};
const PAYMENT_LABELS: Record<SyncOrder['payment_status'], string> = {
  non_payee: 'Non payée',
  partielle: 'Payée en partie',
  payee: 'Payée',
};
type Row = { order: SyncOrder; pending: boolean; rejected: OrderOutboxEntry[]; voiceNote?: StoredVoiceNote };

/** Cards shown at first and added by « Voir plus »: the screen's cost stays the same whatever the history. */
const PAGE_SIZE = 12;

export function OrdersScreen() {
  const [limit, setLimit] = useState(PAGE_SIZE);
  const shown = useLive(async (): Promise<{ rows: Row[]; products: Map<string, SyncProduct> }> => {
    const [{ orders, entries }, rejected] = await Promise.all([
      recentOrdersWindow(db, limit),
      db.outbox
        .where('status')
        .equals('rejected')
        .toArray()
        .then((stored) => parseStoredRows(OutboxEntrySchema, stored, 'outbox').filter(isOrderEntry)),
    ]);
    // Rejected creations never reach the view: show them as their own rows.
    const known = new Set(orders.map((order) => order.local_id));
    // Only the products these cards name: the catalog may be long. Read with the cards' voice
    // notes, together (each read is a round trip to the browser's IndexedDB process).
    const productIds = [...new Set(orders.flatMap((order) => order.items.map((item) => item.product_id)))];
    const [stored, voiceNotes] = await Promise.all([
      db.products.bulkGet(productIds),
      voiceNotesFor(
        db,
        orders.map((order) => order.local_id),
      ),
    ]);
    const products = new Map(
      parseStoredRows(
        SyncProductSchema,
        stored.filter((product) => product !== undefined),
        'products',
      ).map((product) => [product.id, product]),
    );
    const rows = orders
      .map(
        (order): Row => ({
          order,
          pending: entries.some(
            (entry) => entry.status === 'pending' && entry.args.local_id === order.local_id,
          ),
          rejected: rejected.filter((entry) => entry.args.local_id === order.local_id),
          voiceNote: voiceNotes.get(order.local_id),
        }),
      )
      .concat(
        rejected
          .filter((entry) => entry.name === 'create_order' && !known.has(entry.args.local_id))
          .map((entry) => ({ order: rejectedCreation(entry), pending: false, rejected: [entry] })),
      );
    return { rows, products };
  }, [limit]);
  const saved = useSavedOrders();
  // The read has caught up with the orders just saved: its own rows replace the announced ones.
  useEffect(() => {
    if (!shown) return;
    forgetSavedOrders(new Set(shown.rows.map((row) => row.order.local_id)));
    markFirstScreenShown();
  }, [shown]);
  if (!shown) return <p className="text-lg">Chargement…</p>;
  const listed = new Set(shown.rows.map((row) => row.order.local_id));
  const fresh = saved.filter(({ order }) => !listed.has(order.local_id));
  const rows = [...fresh.map(({ order }): Row => ({ order, pending: true, rejected: [] })), ...shown.rows];
  const productNames = new Map([
    ...fresh.flatMap(({ productNames: names }) => [...names]),
    ...[...shown.products.values()].map((product): [string, string] => [product.id, product.name]),
  ]);
  return (
    <section className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h1 className="text-2xl font-black">Mes commandes</h1>
        <Link
          href="/nouvelle"
          className="flex min-h-12 items-center rounded-xl bg-emerald-900 px-4 text-lg font-bold text-white"
        >
          + Nouvelle
        </Link>
      </div>
      {rows.length === 0 ? <p className="text-lg">Aucune commande pour l'instant.</p> : null}
      <ul className="space-y-3">
        {rows.map(({ order, pending, rejected, voiceNote }) => (
          <li key={order.local_id} className="rounded-xl border-2 border-black p-3" data-testid="order-card">
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <p className="text-lg leading-tight font-black">{order.client_name}</p>
                <p className="text-sm text-slate-800">
                  {order.number || 'Numéro à venir'} · {formatDateTime(order.created_at)}
                </p>
              </div>
              <p className="text-lg font-black whitespace-nowrap">{money(order.total_amount)}</p>
            </div>
            <p className="mt-1 text-sm">
              {order.items
                .map((item) => `${item.quantity} × ${productNames.get(item.product_id) ?? 'produit'}`)
                .join(', ')}
              {order.delivery_date ? ` · livraison ${formatDate(order.delivery_date)}` : ''}
            </p>
            <div className="mt-2 flex flex-wrap gap-2" data-testid="order-state">
              {pending ? (
                <span className="rounded-full bg-amber-300 px-3 py-1 text-sm font-black text-black">
                  <Icon name="devices" className="mr-1 inline size-4 align-[-2px]" />
                  Sur le téléphone
                </span>
              ) : order.id ? (
                <span className="rounded-full bg-emerald-700 px-3 py-1 text-sm font-black text-white">
                  <Icon name="check" className="mr-1 inline size-4 align-[-2px]" />
                  Envoyée
                </span>
              ) : null}
              {order.id ? (
                <>
                  <span className="rounded-full border-2 border-black px-3 py-0.5 text-sm font-bold">
                    {DELIVERY_LABELS[order.delivery_status]}
                  </span>
                  <span className="rounded-full border-2 border-black px-3 py-0.5 text-sm font-bold">
                    {PAYMENT_LABELS[order.payment_status]}
                  </span>
                </>
              ) : null}
            </div>
            {rejected.map((entry) => {
              const { what, todo } = explainRejection(entry);
              return (
                <div
                  key={entry.seq}
                  role="alert"
                  className="mt-2 rounded-xl bg-red-100 p-3 text-red-950"
                  data-testid="rejection"
                >
                  <p className="font-bold">{what}</p>
                  <p className="text-sm">Que faire : {todo}</p>
                  <BigButton
                    tone="secondary"
                    className="mt-2 w-full"
                    onClick={() => void dismissRejected(db, entry.seq)}
                  >
                    J'ai compris
                  </BigButton>
                </div>
              );
            })}
            <VoiceNoteState note={voiceNote} onServer={order.has_voice_note === true} />
            <DeliveryIssueNotice order={order} />
            {order.id !== 'rejected' ? <CardActions order={order} productNames={productNames} /> : null}
            {order.delivery_status === 'nouvelle' && order.id !== 'rejected' ? (
              <div className="mt-2 grid grid-cols-2 gap-2">
                <Link
                  href={`/commandes/${order.local_id}/modifier`}
                  className="flex min-h-12 items-center justify-center rounded-xl border-2 border-black text-lg font-bold"
                >
                  Modifier
                </Link>
                <BigButton
                  tone="danger"
                  className=""
                  onClick={() => {
                    if (window.confirm(`Annuler la commande de ${order.client_name} ?`))
                      void cancelOrder(order);
                  }}
                >
                  Annuler
                </BigButton>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {shown.rows.length >= limit ? (
        <BigButton tone="secondary" className="w-full" onClick={() => setLimit(limit + PAGE_SIZE)}>
          Voir plus
        </BigButton>
      ) : null}
    </section>
  );
}

/** Where the order's voice note is: on the phone, sent, or refused with the reason. */
function VoiceNoteState({ note, onServer }: { note: StoredVoiceNote | undefined; onServer: boolean }) {
  if (note?.state === 'failed')
    return (
      <p
        role="alert"
        className="mt-2 rounded-xl bg-red-100 p-2 text-sm font-bold text-red-950"
        data-testid="voice-note-state"
      >
        {note.failure?.message ?? 'Note vocale refusée.'}
      </p>
    );
  if (!note && !onServer) return null;
  const sent = note ? note.state === 'uploaded' : onServer;
  return (
    <p className="mt-2 text-sm font-bold" data-testid="voice-note-state">
      <Icon name="microphone" className="mr-1 inline size-4 align-[-2px]" />
      {sent ? 'Note vocale : envoyée' : 'Note vocale : sur le téléphone'}
    </p>
  );
}

function rejectedCreation(entry: OrderOutboxEntry): SyncOrder {
  return {
    id: 'rejected',
    local_id: entry.args.local_id,
    number: '',
    site_id: '',
    created_by: '',
    device_id: null,
    client_name: entry.name === 'create_order' ? entry.args.client_name : 'Client',
    client_phone: null,
    delivery_address: null,
    delivery_date: null,
    priority: 'moyenne',
    notes: null,
    delivery_status: 'annulee',
    payment_status: 'non_payee',
    total_amount: 0,
    paid_amount: 0,
    balance: 0,
    version: 0,
    delivered_at: null,
    cancelled_at: null,
    created_at: entry.client_time,
    updated_at: entry.client_time,
    items: [],
  };
}
