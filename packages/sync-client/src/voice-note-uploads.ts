import type { SyncDatabase } from './database.ts';
import { parseStored, parseStoredRows } from './outbox.ts';
import { compareTimestamps } from './timestamps.ts';
import { type SyncTransport, TemporarySyncError } from './transport.ts';
import { type StoredVoiceNote, StoredVoiceNoteSchema } from './voice-notes.ts';

export type VoiceNoteUploadOptions = {
  backoff: { baseMs: number; maxMs: number };
  random: () => number;
  /** Aborted when orders are waiting: the upload in flight is dropped and sent again later. */
  signal?: AbortSignal;
  now?: () => Date;
};

/** Why the queue stopped before its end, if it did. */
export type VoiceNoteQueueResult = {
  uploaded: number;
  stopped?: 'orders_waiting' | 'aborted' | 'network';
};

/** What the card says when the server refuses a note for good. */
export function voiceNoteRefusal(status: number, serverMessage: string | null): string {
  switch (status) {
    case 403:
      return "Note vocale refusée : vous n'avez pas le droit de l'envoyer pour cette commande.";
    case 409:
      return 'Note vocale refusée : le serveur a déjà une autre note sous ce numéro.';
    case 413:
      return 'Note vocale refusée : trop longue pour le serveur.';
    case 415:
      return "Note vocale refusée : format audio que le serveur n'accepte pas.";
    default:
      return `Note vocale refusée${serverMessage ? ` : ${serverMessage}` : ''}.`;
  }
}

export const ORPHAN_NOTE_MESSAGE = "Note vocale non envoyée : sa commande n'a pas été enregistrée.";

/**
 * The low-priority queue: uploads, one at a time and oldest first, the pending notes whose order
 * the server has acknowledged. Call it after a successful push and pull, under the sync lock. It
 * stops as soon as orders are waiting in the outbox (orders first, always) or `signal` aborts;
 * the note in flight stays pending and is sent again whole later (the upload is idempotent on its
 * id, so a retried or interrupted one is stored once). A note is uploaded at most once per call.
 */
export async function uploadVoiceNotes(
  db: SyncDatabase,
  transport: SyncTransport,
  options: VoiceNoteUploadOptions,
): Promise<VoiceNoteQueueResult> {
  const upload = transport.uploadVoiceNote;
  if (!upload) return { uploaded: 0 };
  const now = options.now ?? (() => new Date());
  const stored = await db.voiceNotes.where('state').equals('pending').toArray();
  const queue = parseStoredRows(StoredVoiceNoteSchema, stored, 'voiceNotes').sort((a, b) =>
    compareTimestamps(a.created_at, b.created_at),
  );
  let uploaded = 0;
  for (const queued of queue) {
    if (options.signal?.aborted) return { uploaded, stopped: 'aborted' };
    if ((await db.outbox.where('status').equals('pending').count()) > 0)
      return { uploaded, stopped: 'orders_waiting' };
    if (queued.retry_at && queued.retry_at > now().toISOString()) continue;
    const order = await orderStanding(db, queued.local_id);
    if (order === 'gone') {
      await settle(db, queued.id, { state: 'failed', failure: { status: 0, message: ORPHAN_NOTE_MESSAGE } });
      continue;
    }
    if (order === 'unsent') continue;
    // Read again: the vendor may have replaced or deleted it since the queue was read.
    const row = await db.voiceNotes.get(queued.id);
    const note = row === undefined ? undefined : parseStored(StoredVoiceNoteSchema, row, 'voiceNotes');
    if (note?.state !== 'pending' || !note.audio) continue;
    try {
      const outcome = await upload(
        {
          id: note.id,
          localId: note.local_id,
          durationMs: note.duration_ms,
          contentType: note.content_type,
          audio: note.audio,
        },
        options.signal,
      );
      if (outcome.kind === 'stored') {
        // Only the audio goes: the card still says the note was sent.
        await settle(db, note.id, { state: 'uploaded', audio: null, failure: null, retry_at: null });
        uploaded += 1;
      } else if (outcome.kind === 'order_unknown') {
        await postpone(db, note, options, now());
      } else {
        await settle(db, note.id, {
          state: 'failed',
          failure: { status: outcome.status, message: voiceNoteRefusal(outcome.status, outcome.message) },
        });
      }
    } catch (error) {
      if (options.signal?.aborted) return { uploaded, stopped: 'aborted' };
      if (!(error instanceof TemporarySyncError)) throw error;
      await postpone(db, note, options, now());
      return { uploaded, stopped: 'network' };
    }
  }
  return { uploaded };
}

/**
 * Whether the server has the note's order: `sent` (a pulled row or an acknowledged creation),
 * `unsent` (its creation is still queued), or `gone` (refused, dismissed or dropped: the note
 * was saved with the order in one transaction, so a note with neither has no order to join).
 */
async function orderStanding(db: SyncDatabase, localId: string): Promise<'sent' | 'unsent' | 'gone'> {
  if ((await db.orders.get(localId)) !== undefined) return 'sent';
  const entries = await db.outbox.where('args.local_id').equals(localId).toArray();
  const creation = entries.find((entry) => entry.name === 'create_order');
  if (creation?.status === 'acked') return 'sent';
  if (creation?.status === 'pending') return 'unsent';
  return 'gone';
}

async function settle(db: SyncDatabase, id: string, changes: Partial<StoredVoiceNote>): Promise<void> {
  await db.transaction('rw', db.voiceNotes, async () => {
    // A note deleted or replaced meanwhile is left alone.
    if ((await db.voiceNotes.get(id))?.state === 'pending') await db.voiceNotes.update(id, changes);
  });
}

/** Exponential backoff with full jitter, per note. */
async function postpone(
  db: SyncDatabase,
  note: StoredVoiceNote,
  options: VoiceNoteUploadOptions,
  now: Date,
): Promise<void> {
  const attempts = note.attempts + 1;
  const ceiling = Math.min(options.backoff.maxMs, options.backoff.baseMs * 2 ** (attempts - 1));
  const delay = Math.round(ceiling / 2 + (options.random() * ceiling) / 2);
  await settle(db, note.id, { attempts, retry_at: new Date(now.getTime() + delay).toISOString() });
}
