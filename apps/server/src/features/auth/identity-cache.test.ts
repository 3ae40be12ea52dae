import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDevice, createUser, signedInUser, tokenFor } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { users } from '../../db/schema.ts';
import { createIdentityCache } from './identity-cache.ts';

describe('identity cache', () => {
  const usable = () => true;

  it('keeps a loaded identity until its time is up, then loads it again', async () => {
    // lru-cache keeps an entry while its age is at most the TTL (and reads a start time of 0 as
    // none): the clock starts past 0 and the reload is checked past the TTL.
    let clock = 5_000;
    let loads = 0;
    const cache = createIdentityCache<string>({ ttlMs: 1_000, now: () => clock });
    const load = async () => `identity ${++loads}`;

    expect(await cache.read('u1', load, usable)).toBe('identity 1');
    clock = 5_999;
    expect(await cache.read('u1', load, usable)).toBe('identity 1');
    expect(await cache.read('u2', load, usable)).toBe('identity 2');
    clock = 6_001;
    expect(await cache.read('u1', load, usable)).toBe('identity 3');
  });

  it('keeps neither a refused identity nor a missing one', async () => {
    let loads = 0;
    const cache = createIdentityCache<{ active: boolean }>({ now: () => 0 });
    const inactive = async () => {
      loads += 1;
      return { active: false };
    };
    await cache.read('u1', inactive, (found) => found.active);
    await cache.read('u1', inactive, (found) => found.active);
    await cache.read('gone', async () => undefined, usable);

    expect(loads).toBe(2);
  });

  it('forgets everything on clear, including a load that was running when it was cleared', async () => {
    let loads = 0;
    const cache = createIdentityCache<string>({ now: () => 0 });
    const load = async () => `identity ${++loads}`;
    await cache.read('u1', load, usable);
    cache.clear();
    expect(await cache.read('u1', load, usable)).toBe('identity 2');

    let release!: () => void;
    const slow = cache.read(
      'u2',
      () => new Promise<string>((resolve) => (release = () => resolve('read before the change'))),
      usable,
    );
    cache.clear();
    release();
    expect(await slow).toBe('read before the change');
    expect(await cache.read('u2', load, usable)).toBe('identity 3');
  });

  it('holds at most maxEntries identities, dropping the oldest', async () => {
    let loads = 0;
    const cache = createIdentityCache<number>({ maxEntries: 2, now: () => 0 });
    const load = async () => ++loads;
    for (const key of ['a', 'b', 'c']) await cache.read(key, load, usable);
    expect(await cache.read('c', load, usable)).toBe(3);
    expect(await cache.read('b', load, usable)).toBe(2);
    expect(await cache.read('a', load, usable)).toBe(4);
  });
});

describe('identities kept between requests', () => {
  const t = useTestApp();

  it('a deactivation, a role change or a revocation through the API applies to the very next request', async () => {
    const admin = await signedInUser(t, 'admin');
    const manager = await createUser(t, 'gestionnaire_commandes');
    const vendor = await createUser(t, 'vendeur');
    const phone = await createDevice(t, vendor);
    const managerToken = await tokenFor(t, manager);
    const phoneToken = await tokenFor(t, vendor, phone.id);
    const listOrders = (token: string) => api(t, 'GET', '/api/orders/', { token });
    const listVendors = (token: string) => api(t, 'GET', '/api/orders/vendors/', { token });
    // Each identity is read and kept by a first request.
    expect((await listVendors(managerToken)).status).toBe(200);
    expect((await listOrders(phoneToken)).status).toBe(200);

    const demoted = await api(t, 'PUT', `/api/users/${manager.id}/`, {
      token: admin.token,
      body: { role: 'vendeur' },
    });
    expect(demoted.status).toBe(200);
    expect((await listVendors(managerToken)).status).toBe(403);

    expect((await api(t, 'POST', `/api/devices/${phone.id}/revoke/`, { token: admin.token })).status).toBe(
      200,
    );
    const revoked = await listOrders(phoneToken);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('device_revoked');

    const deactivated = await api(t, 'PUT', `/api/users/${manager.id}/`, {
      token: admin.token,
      body: { is_active: false },
    });
    expect(deactivated.status).toBe(200);
    const refused = await listOrders(managerToken);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('account_disabled');
  });

  it('a change made outside the API is seen once the kept identity has expired', async () => {
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    expect((await api(t, 'GET', '/api/orders/vendors/', { token: manager.token })).status).toBe(200);
    await t.db.update(users).set({ isActive: false }).where(eq(users.id, manager.user.id));
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const refused = await api(t, 'GET', '/api/orders/vendors/', { token: manager.token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('account_disabled');
  });
});
