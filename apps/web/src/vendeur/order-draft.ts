import {
  type MoneyMethod,
  MoneyMethodSchema,
  type Priority,
  PrioritySchema,
  SyncCreateClientArgsSchema,
  type SyncMutationArgs,
  SyncMutationArgsSchemas,
  type SyncOrder,
  type SyncProduct,
  uuidv7,
} from '@gapal/shared';
import {
  type OutboxEntry,
  putOrderVoiceNote,
  type RecordedVoiceNote,
  recordMutation,
} from '@gapal/sync-client';
import { z } from 'zod';
import { type DoorPayment, doorPaymentErrors, paymentArgs } from './door-payment.ts';
import { db, syncEngine } from './sync.ts';

export type Draft = {
  /** The directory's client ('' for a name typed freely). */
  client_id: string;
  /** A client made in this draft, queued (`create_client`) with the order; its id is `client_id`. */
  new_client: SyncMutationArgs['create_client'] | null;
  client_name: string;
  client_phone: string;
  items: Record<string, number>;
  delivery_address: string;
  delivery_date: string;
  priority: Priority;
  /** Money taken at the door with this save (recorded as a payment, never in the notes). */
  paid: boolean;
  paid_amount: string;
  method: MoneyMethod;
  reference: string;
  /** For an edited order: what was already paid, so the default is what remains. */
  already_paid: number;
  notes: string;
};

export const emptyDraft = (): Draft => ({
  client_id: '',
  new_client: null,
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
  already_paid: 0,
  notes: '',
});

export function draftFromOrder(order: SyncOrder): Draft {
  return {
    ...emptyDraft(),
    client_id: order.client_id ?? '',
    client_name: order.client_name,
    client_phone: order.client_phone ?? '',
    items: Object.fromEntries(order.items.map((item) => [item.product_id, item.quantity])),
    delivery_address: order.delivery_address ?? '',
    delivery_date: order.delivery_date ?? '',
    priority: order.priority,
    notes: order.notes ?? '',
    already_paid: order.paid_amount,
  };
}

function fields(draft: Draft) {
  const notes = draft.notes.trim();
  return {
    ...(draft.client_id ? { client_id: draft.client_id } : {}),
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

/** The draft's total at the prices the phone knows (the server prices it again). */
export function draftTotal(
  draft: Pick<Draft, 'items'>,
  products: readonly Pick<SyncProduct, 'id' | 'unit_price'>[],
): number {
  const prices = new Map(products.map((product) => [product.id, product.unit_price]));
  return Object.entries(draft.items).reduce(
    (sum, [id, quantity]) => sum + (quantity > 0 ? quantity * (prices.get(id) ?? 0) : 0),
    0,
  );
}

const doorPayment = (draft: Draft): DoorPayment => ({
  amount: draft.paid_amount,
  method: draft.method,
  reference: draft.reference,
});

/**
 * The shared contract checks the draft before it reaches the outbox: no doomed mutation is queued.
 * `total` is the draft's total at the phone's prices: money taken never goes above what remains.
 */
export function validateDraft(draft: Draft, total: number): DraftErrors {
  const parsed = SyncMutationArgsSchemas.create_order.safeParse({
    local_id: crypto.randomUUID(),
    ...fields(draft),
  });
  const errors: DraftErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  }
  if (draft.paid) {
    const payment = doorPaymentErrors(doorPayment(draft), Math.max(0, total - draft.already_paid));
    if (payment.amount) errors.paid_amount = payment.amount;
    if (payment.reference) errors.reference = payment.reference;
  }
  return errors;
}

/**
 * The order, the money taken with it and its voice note go to the phone's database in ONE
 * IndexedDB transaction (the payment right behind the creation or edit): instant, offline or
 * not, and never one without the other. `voice`: the new note, null to delete it, undefined to
 * leave it as it is.
 */
export async function saveDraft(
  draft: Draft,
  editing?: SyncOrder,
  voice?: RecordedVoiceNote | null,
): Promise<OutboxEntry[]> {
  const data = fields(draft);
  // A new order's id is time-ordered (the server's unique index on it grows at its end).
  const localId = editing?.local_id ?? uuidv7();
  const entries = await db.transaction('rw', [db.outbox, db.meta, db.voiceNotes], async () => {
    const written: OutboxEntry[] = [];
    if (draft.new_client) written.push(await recordMutation(db, 'create_client', draft.new_client));
    if (editing) {
      const args: SyncMutationArgs['update_order'] = { local_id: localId, ...data };
      written.push(
        await recordMutation(
          db,
          'update_order',
          args,
          editing.version > 0 ? { baseVersion: editing.version } : {},
        ),
      );
    } else {
      written.push(await recordMutation(db, 'create_order', { local_id: localId, ...data }));
    }
    if (draft.paid)
      written.push(await recordMutation(db, 'record_payment', paymentArgs(localId, doorPayment(draft))));
    if (voice !== undefined) await putOrderVoiceNote(db, localId, voice);
    return written;
  });
  syncEngine()?.notifyWrite();
  return entries;
}

/**
 * Money taken later for an order the phone has: queued like any change, sent at the next sync.
 * No base version: a payment does not depend on the order's content, and the server checks the
 * balance under the order's lock.
 */
export async function recordDoorPayment(order: SyncOrder, payment: DoorPayment): Promise<void> {
  await recordMutation(db, 'record_payment', paymentArgs(order.local_id, payment));
  syncEngine()?.notifyWrite();
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

const DRAFT_KEY = 'gapal-vendeur-draft';

/** A stored field that does not read as its type (another app version wrote it) is left out. */
const kept = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const StoredDraftSchema = z.object({
  client_id: kept(z.string()),
  new_client: kept(SyncCreateClientArgsSchema.nullable()),
  client_name: kept(z.string()),
  client_phone: kept(z.string()),
  items: kept(z.record(z.string(), z.number().int().nonnegative())),
  delivery_address: kept(z.string()),
  delivery_date: kept(z.string()),
  priority: kept(PrioritySchema),
  paid: kept(z.boolean()),
  paid_amount: kept(z.string()),
  method: kept(MoneyMethodSchema),
  reference: kept(z.string()),
  already_paid: kept(z.number().int().nonnegative()),
  notes: kept(z.string()),
}) satisfies z.ZodType<Partial<Draft>>;

/** A draft survives a reload or a killed app: nothing typed is lost. */
export function loadDraft(storage: Pick<Storage, 'getItem'> = localStorage): Draft | null {
  let stored: unknown;
  try {
    const raw = storage.getItem(DRAFT_KEY);
    if (!raw) return null;
    stored = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = StoredDraftSchema.safeParse(stored);
  if (!parsed.success) return null;
  const draft = emptyDraft();
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== undefined) Object.assign(draft, { [key]: value });
  }
  return draft;
}

/**
 * Keeps the draft across a reload. A full phone refuses the write: the draft stays on screen
 * (false is returned), and typing goes on.
 */
export function storeDraft(
  draft: Draft | null,
  storage: Pick<Storage, 'setItem' | 'removeItem'> = localStorage,
): boolean {
  try {
    if (draft) storage.setItem(DRAFT_KEY, JSON.stringify(draft));
    else storage.removeItem(DRAFT_KEY);
    return true;
  } catch (error) {
    console.warn('Draft not kept in storage', error);
    return false;
  }
}
