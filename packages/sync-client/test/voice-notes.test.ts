import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders, voiceNotes } from '../../../apps/server/src/db/schema.ts';
import type { TestApp } from '../../../apps/server/test/harness.ts';
import { oggOpus } from '../../../apps/server/test/ogg-opus.ts';
import { orderVoiceNote, putOrderVoiceNote, recordMutation, type SyncDatabase } from '../src/index.ts';
import { catalogProduct, listeningTestApp, phoneDatabase, phoneEngine, vendorWithDevice } from './support.ts';

type Interceptor = (input: string, init: RequestInit | undefined) => Promise<Response> | undefined;

/** The phone's voice notes against the real server: after their order, once, whatever the retries. */
describe('sync engine: voice notes (real server)', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, baseUrl } = await listeningTestApp());
  });
  afterAll(async () => {
    await t?.close();
  });

  async function phone() {
    const { device, token } = await vendorWithDevice(t);
    const db: SyncDatabase = phoneDatabase('voice');
    const requests: string[] = [];
    let online = false;
    let intercept: Interceptor | undefined;
    const engine = phoneEngine({
      db,
      deviceId: device.id,
      baseUrl,
      token,
      fetch: async (input, init) => {
        if (!online) throw new TypeError('fetch failed');
        const url = String(input);
        requests.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
        return intercept?.(url, init) ?? fetch(input, init);
      },
      // No waiting between a failed upload and the next attempt in these tests.
      engine: { backoff: { baseMs: 0, maxMs: 0 } },
    });
    return {
      db,
      engine,
      requests,
      setOnline: (value: boolean) => {
        online = value;
      },
      interceptWith: (next: Interceptor | undefined) => {
        intercept = next;
      },
    };
  }

  async function orderWithNote(db: SyncDatabase, audio: Buffer) {
    const product = await catalogProduct(t, { unit: 'litre', unitPrice: 600 });
    const localId = randomUUID();
    // As the vendor app saves it: the order and its note in one transaction.
    await db.transaction('rw', [db.outbox, db.meta, db.voiceNotes], async () => {
      await recordMutation(db, 'create_order', {
        local_id: localId,
        client_name: 'Maquis Le Baobab',
        items: [{ product_id: product.id, quantity: 2 }],
      });
      await putOrderVoiceNote(db, localId, {
        audio: toArrayBuffer(audio),
        contentType: 'audio/ogg;codecs=opus',
        durationMs: 3_000,
      });
    });
    return { localId, productId: product.id };
  }

  async function serverNotes(localId: string) {
    const [order] = await t.db.select().from(orders).where(eq(orders.localId, localId));
    if (!order) return [];
    return t.db.select().from(voiceNotes).where(eq(voiceNotes.orderId, order.id));
  }

  it('keeps the note on the phone offline, then sends it after its order and drops the audio', async () => {
    const { db, engine, requests, setOnline } = await phone();
    const audio = oggOpus({ seconds: 3, seed: randomUUID() });
    const { localId } = await orderWithNote(db, audio);
    await engine.syncNow();
    expect(await orderVoiceNote(db, localId)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(requests).toEqual([]);

    setOnline(true);
    await engine.syncNow();
    const upload = requests.findIndex((request) => request.startsWith('PUT /api/voice-notes/'));
    const push = requests.indexOf('POST /api/sync/push/');
    expect(push).toBeGreaterThanOrEqual(0);
    expect(upload).toBeGreaterThan(push);
    expect(requests.slice(push, upload)).toContain('GET /api/sync/pull/');

    const note = await orderVoiceNote(db, localId);
    expect(note).toMatchObject({ state: 'uploaded', audio: null, byte_size: audio.length });
    const stored = await serverNotes(localId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: note!.id, durationMs: 3_000, byteSize: audio.length });
    expect(Buffer.from(stored[0]!.audio).equals(audio)).toBe(true);
    engine.stop();
  });

  it('stores a note once when its upload is retried after a lost answer', async () => {
    const { db, engine, requests, setOnline, interceptWith } = await phone();
    const audio = oggOpus({ seconds: 2, seed: randomUUID() });
    const { localId } = await orderWithNote(db, audio);
    setOnline(true);
    // The server stores the note, but the answer never reaches the phone.
    interceptWith((url, init) =>
      url.includes('/api/voice-notes/')
        ? fetch(url, init).then(() => Promise.reject(new TypeError('connection reset')))
        : undefined,
    );
    await engine.syncNow();
    expect(await orderVoiceNote(db, localId)).toMatchObject({ state: 'pending', attempts: 1 });
    expect(await serverNotes(localId)).toHaveLength(1);

    interceptWith(undefined);
    await engine.syncNow();
    expect(await orderVoiceNote(db, localId)).toMatchObject({ state: 'uploaded', audio: null });
    expect(requests.filter((request) => request.startsWith('PUT ')).length).toBe(2);
    expect(await serverNotes(localId)).toHaveLength(1);
    engine.stop();
  });

  it('stores a note once, whole, when an upload cut off half way is sent again', async () => {
    const { db, engine, setOnline, interceptWith } = await phone();
    const audio = oggOpus({ seconds: 4, seed: randomUUID() });
    const { localId } = await orderWithNote(db, audio);
    setOnline(true);
    // The network drops half way through the body: the server gets a truncated upload.
    interceptWith((url, init) => {
      if (!url.includes('/api/voice-notes/')) return undefined;
      const bytes = new Uint8Array(init!.body as ArrayBuffer);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.subarray(0, bytes.length >> 1));
          setTimeout(() => controller.error(new TypeError('network lost')), 50);
        },
      });
      return fetch(url, { ...init, body, duplex: 'half' } as RequestInit);
    });
    await engine.syncNow();
    expect(await orderVoiceNote(db, localId)).toMatchObject({ state: 'pending', attempts: 1 });
    expect(await serverNotes(localId)).toHaveLength(0);

    interceptWith(undefined);
    await engine.syncNow();
    expect(await orderVoiceNote(db, localId)).toMatchObject({ state: 'uploaded' });
    const stored = await serverNotes(localId);
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.audio).equals(audio)).toBe(true);
    engine.stop();
  });

  it('lets a new order go first: the upload in flight is dropped and sent again after it', async () => {
    const { db, engine, requests, setOnline, interceptWith } = await phone();
    const audio = oggOpus({ seconds: 2, seed: randomUUID() });
    const { localId, productId } = await orderWithNote(db, audio);
    setOnline(true);
    let secondOrder: string | undefined;
    // While the note is on its way (2G), the vendor saves another order.
    interceptWith((url, init) => {
      if (!url.includes('/api/voice-notes/') || secondOrder) return undefined;
      return (async () => {
        secondOrder = randomUUID();
        await recordMutation(db, 'create_order', {
          local_id: secondOrder,
          client_name: 'Boutique Wend-Panga',
          items: [{ product_id: productId, quantity: 1 }],
        });
        engine.notifyWrite();
        return fetch(url, init);
      })();
    });
    await engine.syncNow();
    const note = await orderVoiceNote(db, localId);
    expect(note?.state).toBe('pending');
    expect(await serverNotes(localId)).toHaveLength(0);

    await engine.syncNow();
    const puts = requests.flatMap((request, index) => (request.startsWith('PUT ') ? [index] : []));
    expect(puts).toHaveLength(2);
    expect(requests.slice(puts[0], puts[1])).toContain('POST /api/sync/push/');
    expect(await orderVoiceNote(db, localId)).toMatchObject({ state: 'uploaded' });
    expect(await serverNotes(localId)).toHaveLength(1);
    engine.stop();
  });
});

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
