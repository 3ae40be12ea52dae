import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../test/factories.ts';
import { api, useTestApp } from '../../test/harness.ts';

describe('field errors by code', () => {
  const t = useTestApp();

  it('a validation error names each field with a code and parameters, and keeps a message', async () => {
    const { token } = await signedInUser(t, 'admin');
    const response = await api(t, 'POST', '/api/categories/', {
      token,
      body: { name: 'Lait\u0000caillé', description: 'x'.repeat(5000), extra: 1 },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_error');
    const fields = response.body.error.details.fields as { field: string; code: string }[];
    for (const field of fields) {
      expect(field).toEqual({
        field: expect.any(String),
        message: expect.any(String),
        code: expect.any(String),
        params: expect.any(Object),
      });
    }
    expect(fields).toContainEqual(
      expect.objectContaining({ field: 'name', code: 'control_character', params: {} }),
    );
    expect(fields).toContainEqual(
      expect.objectContaining({ code: 'unrecognized_keys', params: { keys: 'extra' } }),
    );
  });

  it('a missing field is `required`, a short one `too_small` with its minimum', async () => {
    const { token } = await signedInUser(t, 'admin');
    const missing = await api(t, 'POST', '/api/users/', { token, body: { password: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields).toContainEqual(
      expect.objectContaining({ field: 'username', code: 'required' }),
    );
    expect(missing.body.error.details.fields).toContainEqual(
      expect.objectContaining({
        field: 'password',
        code: 'too_small',
        params: expect.objectContaining({ origin: 'string', minimum: expect.any(Number) }),
      }),
    );
  });

  it('a service’s own check says its code too: a name already used', async () => {
    const { token } = await signedInUser(t, 'admin');
    const name = `Cat ${Date.now()}`;
    expect((await api(t, 'POST', '/api/categories/', { token, body: { name } })).status).toBe(201);
    const again = await api(t, 'POST', '/api/categories/', { token, body: { name } });
    expect(again.status).toBe(409);
    expect(again.body.error.details.fields).toEqual([
      { field: 'name', message: 'déjà utilisé', code: 'already_used' },
    ]);
  });

  it('the checks that had no code say theirs: a bad cursor, a report period too long', async () => {
    const { token } = await signedInUser(t, 'admin');
    const cursor = await api(t, 'GET', '/api/orders/?cursor=nope', { token });
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.details.fields).toEqual([
      { field: 'cursor', message: 'invalide', code: 'invalid_cursor' },
    ]);
    const period = await api(t, 'GET', '/api/reports/orders/json/?from=2024-01-01&to=2026-12-31', {
      token,
    });
    expect(period.status).toBe(400);
    expect(period.body.error.details.fields).toEqual([
      expect.objectContaining({ field: 'to', code: 'period_too_long', params: expect.any(Object) }),
    ]);
  });

  it('a 404 names what was not found, for a client in another language', async () => {
    const { token } = await signedInUser(t, 'admin');
    const missing = await api(t, 'GET', '/api/orders/00000000-0000-4000-8000-000000000000/', { token });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({
      code: 'not_found',
      message: 'Commande introuvable',
      details: { resource: 'order' },
    });
  });
});
