import { randomUUID } from 'node:crypto';
import { VOICE_NOTE_MAX_BYTES } from '@gapal/shared';
import { describe, expect, it } from 'vitest';
import {
  claimForUser,
  orderVoiceNote,
  putOrderVoiceNote,
  type SyncDatabase,
  UnsentOrdersError,
  VoiceNoteTooLargeError,
} from '../src/index.ts';
import { phoneDatabase } from './support.ts';

const phone = (): SyncDatabase => phoneDatabase('notes');
const recording = (bytes: number, durationMs = 2_000) => ({
  audio: new ArrayBuffer(bytes),
  contentType: 'audio/webm;codecs=opus',
  durationMs,
});

describe('voice notes on the phone', () => {
  it('keeps one note per order: re-recording replaces it, deleting removes it', async () => {
    const db = phone();
    const localId = randomUUID();
    await putOrderVoiceNote(db, localId, recording(100));
    const first = await orderVoiceNote(db, localId);
    await putOrderVoiceNote(db, localId, recording(200));
    const second = await orderVoiceNote(db, localId);
    expect(second).toMatchObject({ byte_size: 200, state: 'pending' });
    expect(second!.id).not.toBe(first!.id);
    expect(await db.voiceNotes.count()).toBe(1);
    await putOrderVoiceNote(db, localId, null);
    expect(await db.voiceNotes.count()).toBe(0);
  });

  it('leaves an uploaded note alone: the order was sent with it', async () => {
    const db = phone();
    const localId = randomUUID();
    await putOrderVoiceNote(db, localId, recording(100));
    const sent = await orderVoiceNote(db, localId);
    await db.voiceNotes.update(sent!.id, { state: 'uploaded', audio: null });
    await putOrderVoiceNote(db, localId, recording(300));
    await putOrderVoiceNote(db, localId, null);
    expect(await db.voiceNotes.toArray()).toEqual([
      expect.objectContaining({ id: sent!.id, state: 'uploaded' }),
    ]);
  });

  it('refuses a note bigger than the server takes, keeping the one it had', async () => {
    const db = phone();
    const localId = randomUUID();
    await putOrderVoiceNote(db, localId, recording(100));
    await expect(putOrderVoiceNote(db, localId, recording(VOICE_NOTE_MAX_BYTES + 1))).rejects.toBeInstanceOf(
      VoiceNoteTooLargeError,
    );
    expect(await orderVoiceNote(db, localId)).toMatchObject({ byte_size: 100 });
  });

  it('refuses another vendor while a note is not yet uploaded', async () => {
    const db = phone();
    const first = randomUUID();
    await claimForUser(db, first);
    await putOrderVoiceNote(db, randomUUID(), recording(100));
    await expect(claimForUser(db, randomUUID())).rejects.toBeInstanceOf(UnsentOrdersError);
    expect(await db.voiceNotes.count()).toBe(1);
  });
});
