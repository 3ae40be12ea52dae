import { describe, expect, it } from 'vitest';
import { api, useTestApp } from '../../../test/harness.ts';

describe('health', () => {
  const t = useTestApp();

  it('answers liveness without a token, with or without the trailing slash', async () => {
    for (const url of ['/api/health/', '/api/health']) {
      const response = await api(t, 'GET', url);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
      expect(response.headers['x-request-id']).toBeTypeOf('string');
    }
  });

  it('is ready once every migration is applied', async () => {
    const response = await api(t, 'GET', '/api/ready/');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
    expect(response.body.database).toBe(t.isPostgres ? 'postgres' : 'pglite');
    expect(response.body.migrations).toBeGreaterThan(0);
  });

  it('tells any client the business currency and time zone, without a token', async () => {
    const response = await api(t, 'GET', '/api/settings/');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      currency: 'XOF',
      time_zone: 'Africa/Ouagadougou',
      business_name: 'Gapal du Faso',
    });
  });

  it('serves the OpenAPI document', async () => {
    const response = await api(t, 'GET', '/api/docs/json');
    expect(response.status).toBe(200);
    expect(response.body.paths['/api/auth/login/']).toBeDefined();
  });
});
