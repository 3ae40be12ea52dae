import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, unique } from '../../../test/factories.ts';
import { type TestApp, testConfig, useTestApp } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import { push, syncClient } from '../sync/test-helpers.ts';

/**
 * Two apps on one database and one Redis, as two processes behind nginx: the login lock-out,
 * the per-IP login limit and the sync limit are counted once for both. Each run has its own
 * key prefix, so parallel runs (PGlite and PostgreSQL) never share a counter.
 */
describe('limits hold across processes through Redis', () => {
  const env = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `gapal-test-${process.pid}-${Date.now().toString(36)}:`,
    LOGIN_MAX_FAILURES: '3',
    LOGIN_IP_MAX_PER_MINUTE: '8',
    SYNC_RATE_LIMIT_PER_MINUTE: '3',
  };
  const t = useTestApp({ env });
  let processB: FastifyInstance;
  let apps: { a: FastifyInstance; b: FastifyInstance };

  beforeAll(async () => {
    processB = await buildApp(testConfig(env), t.database, { logger: false });
    await processB.ready();
    apps = { a: t.app, b: processB };
  });
  afterAll(async () => {
    await processB?.close();
  });

  /** A login from `ip` (each test its own address, so their per-IP counts stay apart). */
  async function loginFrom(app: FastifyInstance, ip: string, username: string, password: string) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login/',
      remoteAddress: ip,
      payload: { username, password },
    });
    return { status: response.statusCode, headers: response.headers, body: response.json() };
  }

  it('locks an account after failures spread over both processes, with Retry-After', async () => {
    const user = await createUser(t, 'vendeur');
    const ip = '10.20.0.1';
    for (const app of [apps.a, apps.b, apps.a]) {
      expect((await loginFrom(app, ip, user.username, 'wrong-password')).status).toBe(401);
    }
    for (const app of [apps.b, apps.a]) {
      const locked = await loginFrom(app, ip, user.username, user.password);
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('rate_limited');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another account is not held back.
    const other = await createUser(t, 'vendeur');
    expect((await loginFrom(apps.b, ip, other.username, other.password)).status).toBe(200);
  });

  it('counts login attempts per IP over both processes, with Retry-After', async () => {
    const ip = '10.20.0.2';
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await loginFrom(i % 2 === 0 ? apps.a : apps.b, ip, unique('u'), 'whatever-1');
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.body.error.code).toBe('rate_limited');
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429, 429]);
    // Another address has its own count.
    expect((await loginFrom(apps.b, '10.20.0.3', unique('u'), 'whatever-1')).status).toBe(401);
  });

  it('counts a device’s sync pushes over both processes, with Retry-After', async () => {
    const phone = await syncClient(t);
    const onB: TestApp = { ...t, app: apps.b };
    const statuses: number[] = [];
    for (const target of [t, onB, t, onB]) statuses.push((await push(target, phone, [])).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await push(t, phone, []);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
