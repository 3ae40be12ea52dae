import { describe, expect, it } from 'vitest';
import { createSite, createUser, login, tokenFor, unique } from './factories.ts';
import { api, useTestApp } from './harness.ts';

describe('site isolation', () => {
  const t = useTestApp();

  it('a user of site A sees only site A', async () => {
    const siteB = await createSite(t);
    const vendorA = await createUser(t, 'vendeur');
    const token = await tokenFor(t, vendorA);

    const list = await api(t, 'GET', '/api/sites/', { token });
    expect(list.status).toBe(200);
    expect(list.body.map((site: { id: string }) => site.id)).toEqual([t.defaultSiteId]);

    const own = await api(t, 'GET', `/api/sites/${t.defaultSiteId}/`, { token });
    expect(own.status).toBe(200);
    // Another site's id answers as if it did not exist: 404, not 403.
    const other = await api(t, 'GET', `/api/sites/${siteB.id}/`, { token });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
  });

  it('the admin sees every site', async () => {
    const siteB = await createSite(t);
    const admin = await createUser(t, 'admin');
    const list = await api(t, 'GET', '/api/sites/', { token: await tokenFor(t, admin) });
    expect(list.body.map((site: { id: string }) => site.id)).toEqual(
      expect.arrayContaining([t.defaultSiteId, siteB.id]),
    );
  });

  it('a user of site A cannot register a phone of site B', async () => {
    const siteB = await createSite(t);
    const vendorB = await createUser(t, 'vendeur', { siteId: siteB.id });
    const serial = unique('B-PHONE-');
    await login(t, vendorB, serial);
    const vendorA = await createUser(t, 'vendeur');
    const response = await api(t, 'POST', '/api/auth/login/', {
      body: { username: vendorA.username, password: vendorA.password, device_serial: serial },
    });
    expect(response.status).toBe(403);
  });
});
