import { IdSchema, VOICE_NOTE_MAX_BYTES, VOICE_NOTE_MAX_DURATION_MS } from '@gapal/shared';
import { z } from 'zod';
import type { SyncDatabase } from './database.ts';
import { parseStoredRows } from './outbox.ts';
import { compareTimestamps } from './timestamps.ts';

/**
 * A voice note recorded on the phone, kept in IndexedDB until the server has it:
 * - `pending`: waiting for its order to reach the server, then for its own upload;
 * - `uploaded`: the server stored it; the audio is dropped to keep the phone small;
 * - `failed`: the server refused it for good (too big, not Opus, not allowed…), with the reason.
 */
export const StoredVoiceNoteSchema = z.object({
  /** Generated on the phone: the upload is idempotent on it. */
  id: IdSchema,
  /** The order's client UUID. */
  local_id: IdSchema,
  content_type: z.string().min(1),
  duration_ms: z.number().int().min(1).max(VOICE_NOTE_MAX_DURATION_MS),
  byte_size: z.number().int().nonnegative(),
  /** The recording until it is uploaded, then null. */
  audio: z.instanceof(ArrayBuffer).nullable(),
  state: z.enum(['pending', 'uploaded', 'failed']),
  attempts: z.number().int().nonnegative(),
  /** After a failed attempt, not before this instant (backoff). */
  retry_at: z.string().nullable(),
  failure: z.object({ status: z.number().int(), message: z.string() }).nullable(),
  created_at: z.string(),
});
export type StoredVoiceNote = z.infer<typeof StoredVoiceNoteSchema>;
export type VoiceNoteState = StoredVoiceNote['state'];

/** A recording as the recorder hands it over. */
export type RecordedVoiceNote = { audio: ArrayBuffer; contentType: string; durationMs: number };

/** The phone refuses to keep a note the server would refuse as too big or too long. */
export class VoiceNoteTooLargeError extends Error {
  constructor() {
    super('voice note too large');
  }
}

/**
 * Replaces the order's voice note (one per order) with `recorded`, or removes it (`null`).
 * Call it inside the transaction that saves the order (it must include `db.voiceNotes`), so the
 * order and its note are written together. A note already uploaded stays: the order was sent.
 */
export async function putOrderVoiceNote(
  db: SyncDatabase,
  localId: string,
  recorded: RecordedVoiceNote | null,
  now = new Date(),
): Promise<void> {
  if (recorded && recorded.audio.byteLength > VOICE_NOTE_MAX_BYTES) throw new VoiceNoteTooLargeError();
  await db.transaction('rw', db.voiceNotes, async () => {
    const existing = await db.voiceNotes.where('local_id').equals(localId).toArray();
    if (existing.some((note) => note.state === 'uploaded')) return;
    await db.voiceNotes.bulkDelete(existing.map((note) => note.id));
    if (!recorded) return;
    await db.voiceNotes.add(
      StoredVoiceNoteSchema.parse({
        id: crypto.randomUUID(),
        local_id: localId,
        content_type: recorded.contentType,
        duration_ms: Math.max(1, Math.min(Math.round(recorded.durationMs), VOICE_NOTE_MAX_DURATION_MS)),
        byte_size: recorded.audio.byteLength,
        audio: recorded.audio,
        state: 'pending',
        attempts: 0,
        retry_at: null,
        failure: null,
        created_at: now.toISOString(),
      }),
    );
  });
}

/** The order's voice note, checked when read; undefined when it has none. */
export async function orderVoiceNote(
  db: SyncDatabase,
  localId: string,
): Promise<StoredVoiceNote | undefined> {
  const rows = await db.voiceNotes.where('local_id').equals(localId).toArray();
  return parseStoredRows(StoredVoiceNoteSchema, rows, 'voiceNotes').sort((a, b) =>
    compareTimestamps(b.created_at, a.created_at),
  )[0];
}

/** The voice notes of these orders (the cards shown), by order. */
export async function voiceNotesFor(
  db: SyncDatabase,
  localIds: readonly string[],
): Promise<Map<string, StoredVoiceNote>> {
  const rows = await db.voiceNotes.where('local_id').anyOf(localIds).toArray();
  const notes = new Map<string, StoredVoiceNote>();
  for (const note of parseStoredRows(StoredVoiceNoteSchema, rows, 'voiceNotes')) {
    const known = notes.get(note.local_id);
    if (!known || known.created_at < note.created_at) notes.set(note.local_id, note);
  }
  return notes;
}

/** How many notes are still to upload (the status bar, the bench). */
export function pendingVoiceNoteCount(db: SyncDatabase): Promise<number> {
  return db.voiceNotes.where('state').equals('pending').count();
}
