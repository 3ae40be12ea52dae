import { randomUUID } from 'node:crypto';
import { VOICE_NOTE_MAX_BYTES } from '@gapal/shared';
import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDevice, createSite, createUser, signedInUser, tokenFor } from '../../../test/factories.ts';
import { api, type TestApp, useTestApp } from '../../../test/harness.ts';
import { oggOpus, webmOpusHeader } from '../../../test/ogg-opus.ts';
import { notifications, orders, voiceNotes } from '../../db/schema.ts';
import { auditFor, createOrderAs, createProduct } from '../orders/test-helpers.ts';

type Upload = {
  token: string;
  id?: string;
  order: { id?: string; local_id?: string };
  body?: Buffer | string;
  contentType?: string;
  durationMs?: number | string;
};

async function put(t: TestApp, upload: Upload) {
  const query = new URLSearchParams({
    ...(upload.order.id ? { order_id: upload.order.id } : {}),
    ...(upload.order.local_id ? { local_id: upload.order.local_id } : {}),
    duration_ms: String(upload.durationMs ?? 1000),
  });
  const response = await t.app.inject({
    method: 'PUT',
    url: `/api/voice-notes/${upload.id ?? randomUUID()}/?${query}`,
    headers: {
      authorization: `Bearer ${upload.token}`,
      'content-type': upload.contentType ?? 'audio/ogg;codecs=opus',
    },
    payload: upload.body ?? oggOpus(),
  });
  const isJson = String(response.headers['content-type'] ?? '').includes('application/json');
  return {
    status: response.statusCode,
    body: isJson ? response.json() : response.body,
    headers: response.headers,
  };
}

async function getAudio(t: TestApp, token: string, id: string, range?: string) {
  return t.app.inject({
    method: 'GET',
    url: `/api/voice-notes/${id}/audio/`,
    headers: { authorization: `Bearer ${token}`, ...(range ? { range } : {}) },
  });
}

async function noteCount(t: TestApp): Promise<number> {
  const [row] = await t.db.select({ n: count() }).from(voiceNotes);
  return Number(row!.n);
}

describe('voice notes', () => {
  const t = useTestApp();
  let vendor: { token: string; user: { id: string }; deviceName: string; deviceId: string };
  let productId: string;

  beforeAll(async () => {
    const user = await createUser(t, 'vendeur');
    const device = await createDevice(t, user);
    vendor = {
      token: await tokenFor(t, user, device.id),
      user,
      deviceName: device.name,
      deviceId: device.id,
    };
    productId = (await createProduct(t)).id;
  });

  const newOrder = (token = vendor.token) => createOrderAs(t, token, [productId]);

  it('stores a note by the order’s local_id: 201, the order detail lists it and the list marks the order', async () => {
    const order = await newOrder();
    const id = randomUUID();
    const audio = oggOpus({ seconds: 2 });
    const stored = await put(t, {
      token: vendor.token,
      id,
      order: { local_id: order.local_id },
      body: audio,
      durationMs: 2000,
    });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({
      id,
      order_id: order.id,
      duration_ms: 2000,
      byte_size: audio.length,
      content_type: 'audio/ogg;codecs=opus',
      recorded_by: vendor.user.id,
      recorded_by_name: 'Test vendeur',
      device_id: vendor.deviceId,
      device_name: vendor.deviceName,
    });

    const detail = await api(t, 'GET', `/api/orders/${order.id}/`, { token: vendor.token });
    expect(detail.body.voice_notes).toEqual([stored.body]);
    expect(detail.body.has_voice_note).toBe(true);
    const list = await api(t, 'GET', '/api/orders/?limit=200', { token: vendor.token });
    const row = list.body.items.find((item: { id: string }) => item.id === order.id);
    expect(row.has_voice_note).toBe(true);
    const other = await newOrder();
    const otherDetail = await api(t, 'GET', `/api/orders/${other.id}/`, { token: vendor.token });
    expect(otherDetail.body).toMatchObject({ has_voice_note: false, voice_notes: [] });
  });

  it('records voice_note.create in the order’s audit trail and notifies the site’s order managers', async () => {
    const order = await newOrder();
    const id = randomUUID();
    expect((await put(t, { token: vendor.token, id, order: { id: order.id } })).status).toBe(201);
    const audit = (await auditFor(t, order.id)).filter((row) => row.action === 'voice_note.create');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity: 'order', userId: vendor.user.id, deviceId: vendor.deviceId });
    expect(audit[0]!.after).toMatchObject({ voice_note_id: id, duration_ms: 1000 });
    const stored = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, 'commande_note_vocale'));
    expect(stored.some((row) => (row.data as { order_id?: string }).order_id === order.id)).toBe(true);
  });

  it('accepts Opus in WebM as audio/webm', async () => {
    const order = await newOrder();
    const stored = await put(t, {
      token: vendor.token,
      order: { id: order.id },
      body: webmOpusHeader(),
      contentType: 'audio/webm;codecs=opus',
    });
    expect(stored.status).toBe(201);
  });

  describe('idempotency', () => {
    it('the same id with the same bytes answers 200 with the stored note, nothing duplicated', async () => {
      const order = await newOrder();
      const id = randomUUID();
      const first = await put(t, { token: vendor.token, id, order: { id: order.id } });
      const before = { notes: await noteCount(t), audit: (await auditFor(t, order.id)).length };
      const again = await put(t, { token: vendor.token, id, order: { local_id: order.local_id } });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await noteCount(t)).toBe(before.notes);
      expect((await auditFor(t, order.id)).length).toBe(before.audit);
    });

    it('the same id with other bytes is a 409 conflict and changes nothing', async () => {
      const order = await newOrder();
      const id = randomUUID();
      const original = oggOpus({ seed: 'a' });
      await put(t, { token: vendor.token, id, order: { id: order.id }, body: original });
      const before = { notes: await noteCount(t), audit: (await auditFor(t, order.id)).length };
      const other = await put(t, {
        token: vendor.token,
        id,
        order: { id: order.id },
        body: oggOpus({ seed: 'b' }),
      });
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('conflict');
      expect(await noteCount(t)).toBe(before.notes);
      expect((await auditFor(t, order.id)).length).toBe(before.audit);
      const audio = await getAudio(t, vendor.token, id);
      expect(audio.rawPayload.equals(original)).toBe(true);
    });

    it('the same id and bytes on another order is a 409', async () => {
      const id = randomUUID();
      await put(t, { token: vendor.token, id, order: { id: (await newOrder()).id } });
      const elsewhere = await put(t, { token: vendor.token, id, order: { id: (await newOrder()).id } });
      expect(elsewhere.status).toBe(409);
    });
  });

  describe('limits', () => {
    async function refused(upload: Omit<Upload, 'token' | 'order'>, status: number, code: string) {
      const order = await newOrder();
      const before = await noteCount(t);
      const response = await put(t, { token: vendor.token, order: { id: order.id }, ...upload });
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ error: { code, message: expect.any(String) } });
      expect(await noteCount(t)).toBe(before);
      const [row] = await t.db
        .select({ flag: orders.hasVoiceNote })
        .from(orders)
        .where(eq(orders.id, order.id));
      expect(row!.flag).toBe(false);
    }

    it('a note over the size limit is 413', async () => {
      const big = Buffer.concat([oggOpus(), Buffer.alloc(VOICE_NOTE_MAX_BYTES)]);
      await refused({ body: big }, 413, 'payload_too_large');
    });

    it('a note at the size limit is stored', async () => {
      const audio = oggOpus();
      const atLimit = Buffer.concat([audio, Buffer.alloc(VOICE_NOTE_MAX_BYTES - audio.length)]);
      const order = await newOrder();
      expect((await put(t, { token: vendor.token, order: { id: order.id }, body: atLimit })).status).toBe(
        201,
      );
    });

    it('a duration of 0 or past a minute is 400', async () => {
      await refused({ durationMs: 0 }, 400, 'validation_error');
      await refused({ durationMs: 60_001 }, 400, 'validation_error');
      await refused({ durationMs: 'long' }, 400, 'validation_error');
    });

    it('both order_id and local_id, or neither, is 400', async () => {
      const order = await newOrder();
      const both = await put(t, { token: vendor.token, order: { id: order.id, local_id: order.local_id } });
      expect(both.status).toBe(400);
      const neither = await put(t, { token: vendor.token, order: {} });
      expect(neither.status).toBe(400);
    });

    it('another content type is 415', async () => {
      await refused(
        { contentType: 'audio/mpeg', body: Buffer.from('ID3abc') },
        415,
        'unsupported_media_type',
      );
      await refused({ contentType: 'application/json', body: '{"a":1}' }, 415, 'unsupported_media_type');
      await refused({ contentType: 'text/plain', body: 'bonjour' }, 415, 'unsupported_media_type');
    });

    it('bytes that are not Opus in the container named are 415', async () => {
      await refused(
        { contentType: 'audio/ogg', body: Buffer.from('not audio at all') },
        415,
        'unsupported_media_type',
      );
      // Ogg bytes sent as WebM, WebM bytes sent as Ogg.
      await refused({ contentType: 'audio/webm', body: oggOpus() }, 415, 'unsupported_media_type');
      await refused({ contentType: 'audio/ogg', body: webmOpusHeader() }, 415, 'unsupported_media_type');
      // Ogg Vorbis: the right container, another codec.
      const vorbis = oggOpus();
      vorbis.write('OpusHead'.replace('Opus', 'Vorb'), 28, 'latin1');
      await refused({ contentType: 'audio/ogg', body: vorbis }, 415, 'unsupported_media_type');
      // An empty body.
      await refused({ contentType: 'audio/ogg', body: Buffer.alloc(0) }, 415, 'unsupported_media_type');
    });

    it('an unknown order is 404', async () => {
      const response = await put(t, { token: vendor.token, order: { local_id: randomUUID() } });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    });
  });

  describe('access', () => {
    it('another vendor of the site is refused with 403, and may not hear it (404, as the order)', async () => {
      const order = await newOrder();
      const other = await signedInUser(t, 'vendeur');
      const refused = await put(t, { token: other.token, order: { id: order.id } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      const id = randomUUID();
      await put(t, { token: vendor.token, id, order: { id: order.id } });
      expect((await getAudio(t, other.token, id)).statusCode).toBe(404);
    });

    it('a manager of another site gets 404 on upload and audio; the admin may do both', async () => {
      const order = await newOrder();
      const site = await createSite(t);
      const elsewhere = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
      const refused = await put(t, { token: elsewhere.token, order: { id: order.id } });
      expect(refused.status).toBe(404);
      const admin = await signedInUser(t, 'admin', { siteId: null });
      const id = randomUUID();
      expect((await put(t, { token: admin.token, id, order: { id: order.id } })).status).toBe(201);
      expect((await getAudio(t, elsewhere.token, id)).statusCode).toBe(404);
      expect((await getAudio(t, admin.token, id)).statusCode).toBe(200);
    });

    it('a manager of the site may leave and hear notes on any order of the site', async () => {
      const order = await newOrder();
      const manager = await signedInUser(t, 'gestionnaire_commandes');
      const id = randomUUID();
      const stored = await put(t, { token: manager.token, id, order: { id: order.id } });
      expect(stored.status).toBe(201);
      expect(stored.body).toMatchObject({ recorded_by: manager.user.id, device_id: null, device_name: null });
      expect((await getAudio(t, manager.token, id)).statusCode).toBe(200);
      expect((await getAudio(t, vendor.token, id)).statusCode).toBe(200);
    });

    it('a stock manager may do neither (403)', async () => {
      const order = await newOrder();
      const stock = await signedInUser(t, 'gestionnaire_stocks');
      expect((await put(t, { token: stock.token, order: { id: order.id } })).status).toBe(403);
    });
  });

  describe('audio and ranges', () => {
    const audio = oggOpus({ seconds: 1, seed: 'ranges' });
    let id: string;

    beforeAll(async () => {
      const order = await newOrder();
      id = randomUUID();
      await put(t, {
        token: vendor.token,
        id,
        order: { id: order.id },
        body: audio,
        contentType: 'audio/ogg',
      });
    });

    it('sends the whole note with its type, Accept-Ranges, a private cache and an ETag', async () => {
      const response = await getAudio(t, vendor.token, id);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('audio/ogg');
      expect(response.headers['accept-ranges']).toBe('bytes');
      expect(response.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
      expect(response.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(response.rawPayload.equals(audio)).toBe(true);
    });

    it('the first bytes: 206 with Content-Range', async () => {
      const response = await getAudio(t, vendor.token, id, 'bytes=0-99');
      expect(response.statusCode).toBe(206);
      expect(response.headers['content-range']).toBe(`bytes 0-99/${audio.length}`);
      expect(response.rawPayload.equals(audio.subarray(0, 100))).toBe(true);
    });

    it('a suffix: the last bytes', async () => {
      const response = await getAudio(t, vendor.token, id, 'bytes=-50');
      expect(response.statusCode).toBe(206);
      expect(response.headers['content-range']).toBe(
        `bytes ${audio.length - 50}-${audio.length - 1}/${audio.length}`,
      );
      expect(response.rawPayload.equals(audio.subarray(audio.length - 50))).toBe(true);
    });

    it('open-ended: from an offset to the end; an end past the size is clamped', async () => {
      const open = await getAudio(t, vendor.token, id, 'bytes=100-');
      expect(open.statusCode).toBe(206);
      expect(open.headers['content-range']).toBe(`bytes 100-${audio.length - 1}/${audio.length}`);
      expect(open.rawPayload.equals(audio.subarray(100))).toBe(true);
      const past = await getAudio(t, vendor.token, id, `bytes=10-${audio.length + 1000}`);
      expect(past.headers['content-range']).toBe(`bytes 10-${audio.length - 1}/${audio.length}`);
    });

    it('a range past the end is 416 in the shared shape, with the size', async () => {
      const response = await getAudio(t, vendor.token, id, `bytes=${audio.length}-`);
      expect(response.statusCode).toBe(416);
      expect(response.headers['content-range']).toBe(`bytes */${audio.length}`);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.json()).toMatchObject({
        error: { code: 'range_not_satisfiable', message: expect.any(String) },
      });
    });

    it('an unknown note is 404', async () => {
      expect((await getAudio(t, vendor.token, randomUUID())).statusCode).toBe(404);
    });
  });
});
