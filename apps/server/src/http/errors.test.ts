import { count } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { signedInUser, unique } from '../../test/factories.ts';
import { api, createTestApp, useTestApp } from '../../test/harness.ts';
import { users } from '../db/schema.ts';

describe('error shape', () => {
  const t = useTestApp();

  it('malformed JSON is a 400 in the shared shape', async () => {
    const { token } = await signedInUser(t, 'admin');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users/',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"username": "x",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
  });

  it('an unsupported content type is a 415', async () => {
    const { token } = await signedInUser(t, 'admin');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users/',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/xml' },
      payload: '<user/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
  });

  it('an unknown route is a 404 in the shared shape with a request id', async () => {
    const response = await api(t, 'GET', '/api/nothing-here/');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
    expect(response.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
  });

  it('a database connection lost mid-request is a 503 to retry, not a 500', async () => {
    const { token } = await signedInUser(t, 'admin');
    // What node-postgres throws when the socket closes under a query (a restart, a network cut).
    const lost = new Error('Connection terminated unexpectedly');
    const spy = vi.spyOn(t.db, 'transaction').mockRejectedValue(lost);
    try {
      const response = await api(t, 'POST', '/api/categories/', { token, body: { name: unique('Lait') } });
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.body.error.code).toBe('service_unavailable');
    } finally {
      spy.mockRestore();
    }
  });

  it('validation errors name every field at fault', async () => {
    const { token } = await signedInUser(t, 'admin');
    const response = await api(t, 'POST', '/api/users/', { token, body: { role: 'chef' } });
    expect(response.status).toBe(400);
    const fields = response.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['username', 'full_name', 'role', 'password']));
  });
});

describe('body limit', () => {
  it('an oversized body is a 413 and writes nothing', async () => {
    const t = await createTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
    try {
      const { token } = await signedInUser(t, 'admin');
      const [before] = await t.db.select({ n: count() }).from(users);
      const response = await api(t, 'POST', '/api/users/', {
        token,
        body: { username: 'big', full_name: 'x'.repeat(5000), role: 'admin', password: 'secret-123' },
      });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('payload_too_large');
      const [after] = await t.db.select({ n: count() }).from(users);
      expect(after!.n).toBe(before!.n);
    } finally {
      await t.close();
    }
  });
});
