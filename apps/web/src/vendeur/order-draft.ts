import {
  type PaymentMethod,
  type Priority,
  type SyncMutationArgs,
  SyncMutationArgsSchemas,
  type SyncOrder,
} from '@gapal/shared';
import { ordersView, recordMutation } from '@gapal/sync-client';
import { formatAmount } from '../lib/format.ts';
import { db, syncEngine } from './sync.ts';

export type Draft = {
  client_name: string;
  client_phone: string;
  items: Record<string, number>;
  delivery_address: string;
  delivery_date: string;
  priority: Priority;
  paid: boolean;
  paid_amount: string;
  method: PaymentMethod;
  reference: string;
  notes: string;
};

export const emptyDraft = (): Draft => ({
  client_name: '',
  client_phone: '',
  items: {},
  delivery_address: '',
  delivery_date: '',
  priority: 'moyenne',
  paid: false,
  paid_amount: '',
  method: 'especes',
  reference: '',
  notes: '',
});

export const METHOD_LABELS: Record<PaymentMethod, string> = {
  especes: 'Espèces',
  orange_money: 'Orange Money',
  moov_money: 'Moov Money',
  autre: 'Autre',
};

const PAYMENT_PREFIX = 'Paiement reçu par le vendeur : ';

/**
 * Vendors may not record payments on the server (a manager's permission), so what the client
 * paid travels in the notes, on a line of its own that managers see and confirm.
 */
export function paymentLine(draft: Draft): string | null {
  if (!draft.paid) return null;
  const amount = Number(draft.paid_amount);
  const reference = draft.reference.trim() ? `, réf. ${draft.reference.trim()}` : '';
  return `${PAYMENT_PREFIX}${Number.isFinite(amount) && amount > 0 ? formatAmount(amount) : 'montant non saisi'} (${METHOD_LABELS[draft.method]}${reference})`;
}

export function draftFromOrder(order: SyncOrder): Draft {
  const lines = (order.notes ?? '').split('\n');
  const payment = lines.find((line) => line.startsWith(PAYMENT_PREFIX));
  return {
    ...emptyDraft(),
    client_name: order.client_name,
    client_phone: order.client_phone ?? '',
    items: Object.fromEntries(order.items.map((item) => [item.product_id, item.quantity])),
    delivery_address: order.delivery_address ?? '',
    delivery_date: order.delivery_date ?? '',
    priority: order.priority,
    notes: lines.filter((line) => line !== payment).join('\n'),
    paid: payment !== undefined,
  };
}

function fields(draft: Draft) {
  const notes = [draft.notes.trim(), paymentLine(draft)].filter(Boolean).join('\n');
  return {
    client_name: draft.client_name.trim(),
    client_phone: draft.client_phone.trim() || null,
    delivery_address: draft.delivery_address.trim() || null,
    delivery_date: draft.delivery_date || null,
    priority: draft.priority,
    notes: notes || null,
    items: Object.entries(draft.items)
      .filter(([, quantity]) => quantity > 0)
      .map(([product_id, quantity]) => ({ product_id, quantity })),
  };
}

export type DraftErrors = Record<string, string>;

/** The shared contract checks the draft before it reaches the outbox: no doomed mutation is queued. */
export function validateDraft(draft: Draft): DraftErrors {
  const parsed = SyncMutationArgsSchemas.create_order.safeParse({
    local_id: crypto.randomUUID(),
    ...fields(draft),
  });
  const errors: DraftErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  }
  if (draft.paid && !(Number(draft.paid_amount) > 0)) errors.paid_amount = 'montant payé à saisir';
  return errors;
}

/** Outbox entry written in one IndexedDB transaction: instant, offline or not. */
export async function saveDraft(draft: Draft, editing?: SyncOrder): Promise<string> {
  const data = fields(draft);
  let localId: string;
  if (editing) {
    localId = editing.local_id;
    const args: SyncMutationArgs['update_order'] = { local_id: localId, ...data };
    await recordMutation(
      db,
      'update_order',
      args,
      editing.version > 0 ? { baseVersion: editing.version } : {},
    );
  } else {
    localId = crypto.randomUUID();
    await recordMutation(db, 'create_order', { local_id: localId, ...data });
  }
  syncEngine()?.notifyWrite();
  return localId;
}

export async function cancelOrder(order: SyncOrder): Promise<void> {
  await recordMutation(
    db,
    'cancel_order',
    { local_id: order.local_id },
    order.version > 0 ? { baseVersion: order.version } : {},
  );
  syncEngine()?.notifyWrite();
}

export type ClientSuggestion = { name: string; phone: string | null };

/** The vendor's past clients, most recent first, one per name. */
export async function pastClients(): Promise<ClientSuggestion[]> {
  const seen = new Map<string, ClientSuggestion>();
  for (const order of await ordersView(db)) {
    const key = order.client_name.toLowerCase();
    if (!seen.has(key)) seen.set(key, { name: order.client_name, phone: order.client_phone });
  }
  return [...seen.values()];
}

const DRAFT_KEY = 'gapal-vendeur-draft';

/** A draft survives a reload or a killed app: nothing typed is lost. */
export function loadDraft(): Draft | null {
  try {
    const raw = localStorage.getItem(DRAFT_KEY);
    return raw ? { ...emptyDraft(), ...(JSON.parse(raw) as Partial<Draft>) } : null;
  } catch {
    return null;
  }
}

export function storeDraft(draft: Draft | null): void {
  if (draft) localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  else localStorage.removeItem(DRAFT_KEY);
}
