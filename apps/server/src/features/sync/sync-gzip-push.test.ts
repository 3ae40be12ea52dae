import { gzipSync } from 'node:zlib';
import { SYNC_SCHEMA_VERSION } from '@gapal/shared';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/harness.ts';
import { orders } from '../../db/schema.ts';
import { catalogProduct, createArgs, mutation, syncClient } from './test-helpers.ts';

// The phone gzips its pushes (packages/sync-client/src/transport.ts): a 50 kbit/s uplink.
describe('sync push: gzip-encoded bodies', () => {
  const t = useTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000', BODY_LIMIT_BYTES: '20000' } });

  const post = (token: string, payload: Buffer | string, encoding?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/sync/push/',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      },
      payload,
    });
  const ordersWithLocalId = async (localId: string) =>
    Number((await t.db.select({ n: count() }).from(orders).where(eq(orders.localId, localId)))[0]!.n);

  it('reads a gzip-encoded push as the same JSON', async () => {
    const vendor = await syncClient(t);
    const product = await catalogProduct(t);
    const args = createArgs([product.id]);
    const body = {
      device_id: vendor.deviceId,
      schema_version: SYNC_SCHEMA_VERSION,
      mutations: [mutation(vendor, 'create_order', args)],
    };

    const response = await post(vendor.token, gzipSync(JSON.stringify(body)), 'gzip');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().results[0].status).toBe('applied');
    expect(await ordersWithLocalId(args.local_id)).toBe(1);
  });

  it('refuses a body that is not gzip with 400 in the shared shape, changing nothing', async () => {
    const vendor = await syncClient(t);
    const product = await catalogProduct(t);
    const args = createArgs([product.id]);
    const body = JSON.stringify({
      device_id: vendor.deviceId,
      schema_version: SYNC_SCHEMA_VERSION,
      mutations: [mutation(vendor, 'create_order', args)],
    });

    const plain = await post(vendor.token, body, 'gzip');
    expect(plain.statusCode).toBe(400);
    expect(plain.json().error.code).toBe('bad_request');
    const truncated = gzipSync(body);
    const cut = await post(vendor.token, truncated.subarray(0, truncated.length - 12), 'gzip');
    expect(cut.statusCode).toBe(400);
    expect(cut.json().error.code).toBe('bad_request');
    expect(await ordersWithLocalId(args.local_id)).toBe(0);
  });

  it('applies the body limit to the decompressed size: a small bomb gets 413', async () => {
    const vendor = await syncClient(t);
    const bomb = gzipSync(`{"device_id":"${' '.repeat(200_000)}"}`);
    expect(bomb.length).toBeLessThan(20_000);
    const tooLarge = await post(vendor.token, bomb, 'gzip');
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('payload_too_large');
  });
});
