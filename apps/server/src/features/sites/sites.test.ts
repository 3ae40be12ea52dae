import { describe, expect, it } from 'vitest';
import { signedInUser, unique } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';

describe('sites', () => {
  const t = useTestApp();

  it('a fresh install has the default site Koudougou', async () => {
    const { token } = await signedInUser(t, 'admin');
    const list = await api(t, 'GET', '/api/sites/', { token });
    expect(list.body.find((site: { id: string }) => site.id === t.defaultSiteId)).toMatchObject({
      name: 'Koudougou',
      code: 'KDG',
    });
  });

  it('the admin creates and renames a site; a duplicate code is a 409', async () => {
    const { token } = await signedInUser(t, 'admin');
    const code = unique('O')
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 10);
    const created = await api(t, 'POST', '/api/sites/', { token, body: { name: 'Ouagadougou', code } });
    expect(created.status).toBe(201);
    const renamed = await api(t, 'PUT', `/api/sites/${created.body.id}/`, {
      token,
      body: { name: 'Ouaga 2000' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Ouaga 2000', code });
    const duplicate = await api(t, 'POST', '/api/sites/', { token, body: { name: 'Autre', code } });
    expect(duplicate.status).toBe(409);
  });

  it('refuses a malformed site code', async () => {
    const { token } = await signedInUser(t, 'admin');
    const response = await api(t, 'POST', '/api/sites/', { token, body: { name: 'Bobo', code: 'bo bo' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details.fields[0].field).toBe('code');
  });
});
