import { Dexie } from 'dexie';
import type { SyncDatabase } from './database.ts';

/** How long a closed order stays on the phone after its last change (the server's snapshot keeps as long). */
export const HISTORY_DAYS = 30;

/**
 * Closed orders, nothing left to deliver or to collect: delivered and paid, or cancelled unpaid.
 * Everything else (open, delivered on credit, paid in part) stays, however old.
 */
const CLOSED = [
  ['livree', 'payee'],
  ['annulee', 'non_payee'],
] as const;

/**
 * Drops from the phone the orders the server holds that are history: closed and unchanged for
 * `keepDays` days. At most `limit` per call, read through the `[delivery_status+payment_status+
 * updated_at]` index (no table scan), so a call costs the same whatever the history; an order
 * the outbox still names, or whose voice note is not yet uploaded, stays (a dropped order's
 * settled note goes with it). Returns how many were dropped. The engine calls it at start-up
 * and after each complete pull.
 */
export async function pruneHistory(
  db: SyncDatabase,
  {
    now = new Date(),
    keepDays = HISTORY_DAYS,
    limit = 200,
  }: { now?: Date; keepDays?: number; limit?: number } = {},
): Promise<number> {
  const cutoff = new Date(now.getTime() - keepDays * 86_400_000).toISOString();
  return db.transaction('rw', [db.orders, db.outbox, db.voiceNotes], async () => {
    const candidates: string[] = [];
    for (const [delivery, payment] of CLOSED) {
      if (candidates.length >= limit) break;
      const keys = await db.orders
        .where('[delivery_status+payment_status+updated_at]')
        .between([delivery, payment, Dexie.minKey], [delivery, payment, cutoff], true, false)
        .limit(limit - candidates.length)
        .primaryKeys();
      candidates.push(...keys.filter((key) => typeof key === 'string'));
    }
    if (candidates.length === 0) return 0;
    const named = new Set(
      (await db.outbox.where('args.local_id').anyOf(candidates).toArray()).flatMap((entry) =>
        'local_id' in entry.args ? [entry.args.local_id] : [],
      ),
    );
    // A voice note still to upload keeps its order; a settled one goes with it.
    const notes = await db.voiceNotes.where('local_id').anyOf(candidates).toArray();
    for (const note of notes) if (note.state === 'pending') named.add(note.local_id);
    const dropped = candidates.filter((localId) => !named.has(localId));
    await db.orders.bulkDelete(dropped);
    const gone = new Set(dropped);
    await db.voiceNotes.bulkDelete(notes.filter((note) => gone.has(note.local_id)).map((note) => note.id));
    return dropped.length;
  });
}
