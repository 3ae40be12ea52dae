import { WS_CLOSE_CODES } from '@gapal/shared';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, login, signedInUser, unique } from '../../test/factories.ts';
import { testConfig, useTestApp } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import { rotatedMinutesAgo } from '../features/auth/test-helpers.ts';
import { type Closed, sleep, TestSocket } from './test-helpers.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

function closedWithin(socket: TestSocket, ms: number): Promise<Closed | null> {
  return Promise.race([socket.closed, sleep(ms).then(() => null)]);
}

/** Two apps on one database whose only link is Redis: a change made through A reaches B's sockets. */
describe('ending a session closes its sockets on every process', () => {
  const t = useTestApp({ env: { REDIS_URL } });
  let processB: FastifyInstance;
  let urlA: string;
  let urlB: string;
  let admin: { token: string };

  beforeAll(async () => {
    processB = await buildApp(testConfig({ REDIS_URL }), t.database, { logger: false });
    const address = await processB.listen({ port: 0, host: '127.0.0.1' });
    urlB = address;
    urlA = await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await signedInUser(t, 'admin');
  });
  afterAll(async () => {
    await processB?.close();
  });

  const wsUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, 'ws')}/api/ws/`;
  const me = (httpUrl: string, token: string) =>
    fetch(`${httpUrl}/api/auth/me/`, { headers: { authorization: `Bearer ${token}` } });
  const call = (method: string, path: string, body: unknown) =>
    fetch(`${urlA}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${admin.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('a device revoked through A closes its socket on B, and B refuses its token at once', async () => {
    expect(t.app.bus.kind).toBe('redis');
    const vendor = await createUser(t, 'vendeur');
    const phone = await login(t, vendor, unique('PHONE-'));
    const onB = await TestSocket.connect(wsUrl(urlB), phone.access_token);
    // B now keeps the identity for a second (identity-cache.ts).
    expect((await me(urlB, phone.access_token)).status).toBe(200);
    expect((await call('POST', `/api/devices/${phone.user.device_id}/revoke/`, undefined)).status).toBe(200);
    expect(await closedWithin(onB, 1000)).toEqual({
      code: WS_CLOSE_CODES.device_revoked,
      reason: 'device_revoked',
    });
    const refused = await me(urlB, phone.access_token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('device_revoked');
  });

  it('a user disabled through A: account_disabled on B', async () => {
    const vendor = await createUser(t, 'vendeur');
    const session = await login(t, vendor);
    const onB = await TestSocket.connect(wsUrl(urlB), session.access_token);
    expect((await me(urlB, session.access_token)).status).toBe(200);
    expect((await call('PUT', `/api/users/${vendor.id}/`, { is_active: false })).status).toBe(200);
    expect(await closedWithin(onB, 1000)).toEqual({
      code: WS_CLOSE_CODES.account_disabled,
      reason: 'account_disabled',
    });
    expect((await me(urlB, session.access_token)).status).toBe(401);
  });

  it('a refresh token reused on A closes the session’s socket on B', async () => {
    const vendor = await createUser(t, 'vendeur');
    const session = await login(t, vendor, unique('PHONE-'));
    const rotated = await fetch(`${urlA}/api/auth/refresh/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
    const pair = (await rotated.json()) as { access_token: string };
    const onB = await TestSocket.connect(wsUrl(urlB), pair.access_token);
    await rotatedMinutesAgo(t, session.refresh_token, 2);
    const reuse = await fetch(`${urlA}/api/auth/refresh/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
    expect(reuse.status).toBe(401);
    expect(await closedWithin(onB, 1000)).toEqual({
      code: WS_CLOSE_CODES.token_invalid,
      reason: 'token_invalid',
    });
  });
});
