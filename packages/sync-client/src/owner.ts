import { readMeta, type SyncDatabase } from './database.ts';

/** Another vendor's orders are still waiting on the phone: they must leave under that vendor's name. */
export class UnsentOrdersError extends Error {
  constructor(readonly count: number) {
    super(`${count} unsent outbox entries belong to the previous user`);
  }
}

/**
 * Makes the phone's local data the signed-in vendor's; call it at sign-in, before syncing.
 * A phone keeps one local database. When another vendor signs in on it, the orders pulled for
 * the previous one (that vendor's scope, not this one's), that vendor's acknowledged and refused
 * entries and the pull cursor are dropped, so the next pull is a first sync for the new vendor.
 * The catalog stays (a phone belongs to one site), and so does the device's mutation sequence.
 *
 * Refuses with `UnsentOrdersError`, changing nothing, while entries are unsent: sending them
 * under the new vendor's name would misattribute them, and dropping them would lose orders.
 * A phone synced before owners were recorded has no owner: its pulled data is dropped (the
 * next pull brings it back) and its unsent entries are kept, since their vendor is unknown.
 */
export async function claimForUser(db: SyncDatabase, userId: string): Promise<void> {
  await db.transaction('rw', [db.orders, db.outbox, db.meta, db.voiceNotes], async () => {
    const owner = await readMeta(db, 'user_id');
    if (owner === userId) return;
    if (owner !== undefined) {
      // A voice note not yet uploaded is the previous vendor's too.
      const unsent =
        (await db.outbox.where('status').equals('pending').count()) +
        (await db.voiceNotes.where('state').equals('pending').count());
      if (unsent > 0) throw new UnsentOrdersError(unsent);
    }
    await db.voiceNotes.where('state').anyOf('uploaded', 'failed').delete();
    await db.orders.clear();
    await db.outbox.where('status').anyOf('acked', 'rejected').delete();
    await db.meta.bulkDelete(['cursor', 'last_sync_at']);
    await db.meta.put({ key: 'user_id', value: userId });
  });
}
