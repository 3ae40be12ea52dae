import type { VoiceNote } from '@gapal/shared';
import { eq, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { orders, voiceNotes } from '../../db/schema.ts';
import { isoTextRaw } from '../../db/sql-helpers.ts';
import type { OrderRef } from '../notifications/notify.ts';

/** The fields of an order that decide who may leave or hear a note: those a notification names. */
export type VoiceNoteOrder = OrderRef;

const ORDER_FIELDS = {
  id: orders.id,
  number: orders.number,
  siteId: orders.siteId,
  createdBy: orders.createdBy,
  clientName: orders.clientName,
  totalAmount: orders.totalAmount,
};

/** The order by its server id or by the phone's `local_id`. */
export async function findNoteOrder(
  db: Db,
  key: { orderId: string } | { localId: string },
): Promise<VoiceNoteOrder | undefined> {
  const [row] = await db
    .select(ORDER_FIELDS)
    .from(orders)
    .where('orderId' in key ? eq(orders.id, key.orderId) : eq(orders.localId, key.localId));
  return row;
}

/**
 * A `VoiceNote` as JSON, for a statement reading `voice_notes v` (the order detail reads them
 * with the order, orders.repo.ts): who recorded it and from which phone come from their rows.
 */
export const VOICE_NOTE_JSON = `json_build_object('id', v.id, 'order_id', v.order_id,
  'duration_ms', v.duration_ms, 'byte_size', v.byte_size, 'content_type', v.content_type,
  'recorded_by', v.recorded_by,
  'recorded_by_name', (SELECT vu.full_name FROM users vu WHERE vu.id = v.recorded_by),
  'device_id', v.device_id, 'device_name', (SELECT vd.name FROM devices vd WHERE vd.id = v.device_id),
  'created_at', ${isoTextRaw('v.created_at')})`;

/** A stored note's description, what makes it the same note again (`sha256`), and its order. */
export async function findVoiceNote(
  db: Db,
  id: string,
): Promise<{ note: VoiceNote; sha256: string; order: VoiceNoteOrder } | undefined> {
  const [row] = await selectRows<{ note: VoiceNote | string; sha256: string } & VoiceNoteOrder>(
    db,
    sql`SELECT ${sql.raw(VOICE_NOTE_JSON)} AS note, v.sha256, o.id, o.number, o.site_id AS "siteId",
          o.created_by AS "createdBy", o.client_name AS "clientName", o.total_amount AS "totalAmount"
        FROM voice_notes v JOIN orders o ON o.id = v.order_id
        WHERE v.id = ${id}`,
  );
  if (!row) return undefined;
  const { note, sha256, ...order } = row;
  return { note: typeof note === 'string' ? (JSON.parse(note) as VoiceNote) : note, sha256, order };
}

/** A note's bytes and how they are served, with its order's ownership. */
export async function readVoiceNoteAudio(
  db: Db,
  id: string,
): Promise<
  { audio: Buffer; contentType: string; sha256: string; siteId: string; createdBy: string } | undefined
> {
  const [row] = await db
    .select({
      audio: voiceNotes.audio,
      contentType: voiceNotes.contentType,
      sha256: voiceNotes.sha256,
      siteId: orders.siteId,
      createdBy: orders.createdBy,
    })
    .from(voiceNotes)
    .innerJoin(orders, eq(orders.id, voiceNotes.orderId))
    .where(eq(voiceNotes.id, id));
  return row;
}

/**
 * Stores the note and flags its order, unless a note with this id exists already (a concurrent
 * upload of the same id): false then, and nothing is written.
 */
export async function insertVoiceNote(tx: Db, values: typeof voiceNotes.$inferInsert): Promise<boolean> {
  const inserted = await tx
    .insert(voiceNotes)
    .values(values)
    .onConflictDoNothing({ target: voiceNotes.id })
    .returning({ id: voiceNotes.id });
  if (inserted.length === 0) return false;
  // Only when not set yet, so a second note rewrites no row (and logs no sync change).
  await tx.execute(
    sql`UPDATE orders SET has_voice_note = true WHERE id = ${values.orderId} AND NOT has_voice_note`,
  );
  return true;
}
