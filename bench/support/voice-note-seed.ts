/// <reference lib="dom" />
/**
 * Voice notes for the vendor bench (#21): notes put on the phone beside its waiting orders, as
 * sync-client stores them (`voiceNotes`, one per order), then the time until every one reached the
 * server, after the orders. Raw IndexedDB, like `phone-seed.ts`.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { oggOpus } from '../../apps/server/test/ogg-opus.ts';
import type { LoggedRequest } from './throttle-proxy.ts';

/**
 * About what a 20 s note weighs at 12–16 kbit/s: Ogg Opus headers and 20 s of frames (what the
 * server checks), padded with random bytes to `bytes` (Opus does not compress, nor do these).
 */
export function benchVoiceNote(bytes = 30 * 1024): Buffer {
  const headed = oggOpus({ seconds: 20, seed: 'bench' });
  return Buffer.concat([headed, randomBytes(Math.max(0, bytes - headed.length))]);
}

/** Attaches a note to `count` of the orders waiting in the outbox (spread over the queue). */
export async function seedVoiceNotes(page: Page, { count, audio }: { count: number; audio: Buffer }) {
  return page.evaluate(
    async ({ count, audio }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('gapal-vendeur');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const bytes = Uint8Array.from(atob(audio), (char) => char.charCodeAt(0));
      const tx = db.transaction(['outbox', 'voiceNotes'], 'readwrite');
      const entries = await new Promise<{ name: string; args: { local_id: string } }[]>((resolve) => {
        const request = tx.objectStore('outbox').index('status').getAll('pending');
        request.onsuccess = () => resolve(request.result);
      });
      const creations = entries.filter((entry) => entry.name === 'create_order');
      const step = Math.max(1, Math.floor(creations.length / count));
      for (let i = 0; i < count && i * step < creations.length; i += 1) {
        tx.objectStore('voiceNotes').add({
          id: crypto.randomUUID(),
          local_id: creations[i * step]!.args.local_id,
          content_type: 'audio/ogg;codecs=opus',
          duration_ms: 20_000,
          byte_size: bytes.byteLength,
          audio: bytes.slice().buffer,
          state: 'pending',
          attempts: 0,
          retry_at: null,
          failure: null,
          created_at: new Date(Date.now() + i).toISOString(),
        });
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { count, audio: audio.toString('base64') },
  );
}

/** The phone's voice notes by state. */
export async function voiceNoteStates(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('gapal-vendeur');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const rows = await new Promise<{ state: string }[]>((resolve) => {
      const request = db.transaction('voiceNotes').objectStore('voiceNotes').getAll();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    const states: Record<string, number> = {};
    for (const row of rows) states[row.state] = (states[row.state] ?? 0) + 1;
    return states;
  });
}

/**
 * Waits until no note is pending on the phone; the time since `started` (performance.now()).
 * Throws if a note was refused, or if a note went up before the last order push (orders first).
 */
export async function waitForVoiceNotes(
  page: Page,
  { started, expected, requests }: { started: number; expected: number; requests: () => LoggedRequest[] },
): Promise<number> {
  for (;;) {
    const states = await voiceNoteStates(page);
    if ((states.failed ?? 0) > 0) throw new Error(`voice notes refused: ${JSON.stringify(states)}`);
    if ((states.pending ?? 0) === 0) {
      if ((states.uploaded ?? 0) !== expected)
        throw new Error(`voice notes uploaded: ${states.uploaded ?? 0}, expected ${expected}`);
      break;
    }
    if (performance.now() - started > 600_000)
      throw new Error(`voice notes not sent: ${JSON.stringify(states)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const done = performance.now() - started;
  const logged = requests().filter((request) => request.at >= started);
  const lastPush = Math.max(...logged.filter((r) => r.path.startsWith('/api/sync/push/')).map((r) => r.at));
  const firstNote = Math.min(
    ...logged.filter((r) => r.path.startsWith('/api/voice-notes/')).map((r) => r.at),
  );
  if (!(firstNote > lastPush)) throw new Error('a voice note went up before the last order push');
  return done;
}
