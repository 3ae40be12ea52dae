import { describe, expect, it } from 'vitest';
import { createSite, createUser, login, signedInUser, unique } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';

describe('devices', () => {
  const t = useTestApp();

  it('lists registered devices, renames and rebinds one', async () => {
    const { token } = await signedInUser(t, 'admin');
    const vendor = await createUser(t, 'vendeur');
    const serial = unique('ITEL-');
    const session = await login(t, vendor, serial);
    const deviceId = session.user.device_id!;

    const list = await api(t, 'GET', `/api/devices/?site_id=${t.defaultSiteId}`, { token });
    expect(list.body.find((d: { id: string }) => d.id === deviceId)).toMatchObject({
      serial,
      user_id: vendor.id,
      is_revoked: false,
    });

    const siteB = await createSite(t);
    const updated = await api(t, 'PUT', `/api/devices/${deviceId}/`, {
      token,
      body: { name: 'Téléphone de Boukary', site_id: siteB.id },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Téléphone de Boukary', site_id: siteB.id });
    // Moving a phone to another site ends its session there.
    const refresh = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: session.refresh_token },
    });
    expect(refresh.status).toBe(401);
  });

  it('revoking is idempotent and listed', async () => {
    const { token } = await signedInUser(t, 'admin');
    const vendor = await createUser(t, 'vendeur');
    const session = await login(t, vendor, unique('TECNO-'));
    const id = session.user.device_id!;
    const first = await api(t, 'POST', `/api/devices/${id}/revoke/`, { token });
    const second = await api(t, 'POST', `/api/devices/${id}/revoke/`, { token });
    expect(first.body.revoked_at).toBe(second.body.revoked_at);
    const revoked = await api(t, 'GET', '/api/devices/?is_revoked=true', { token });
    expect(revoked.body.map((d: { id: string }) => d.id)).toContain(id);
  });

  it('binding to an unknown site is a 400', async () => {
    const { token } = await signedInUser(t, 'admin');
    const vendor = await createUser(t, 'vendeur');
    const session = await login(t, vendor, unique('X-'));
    const response = await api(t, 'PUT', `/api/devices/${session.user.device_id}/`, {
      token,
      body: { site_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(response.status).toBe(400);
  });
});
