import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createDevice,
  createSite,
  createUser,
  login,
  signedInUser,
  tokenFor,
  unique,
} from '../../../test/factories.ts';
import { api, createTestApp, useTestApp } from '../../../test/harness.ts';
import { refreshTokens } from '../../db/schema.ts';
import { rotatedMinutesAgo, signedWithRealKey, wellFormedClaims } from './test-helpers.ts';

describe('auth', () => {
  const t = useTestApp();

  it('signs in and answers /me with the role and site', async () => {
    const user = await createUser(t, 'vendeur');
    const session = await login(t, user);
    expect(session.refresh_token.length).toBeGreaterThan(20);
    const me = await api(t, 'GET', '/api/auth/me/', { token: session.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: user.id,
      role: 'vendeur',
      site_id: t.defaultSiteId,
      site_name: 'Koudougou',
    });
  });

  it('gives the same error for an unknown user and a wrong password', async () => {
    const user = await createUser(t, 'vendeur');
    const wrong = await api(t, 'POST', '/api/auth/login/', {
      body: { username: user.username, password: 'nope-nope' },
    });
    const unknown = await api(t, 'POST', '/api/auth/login/', {
      body: { username: unique('ghost'), password: 'nope-nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('accepts the username in any case', async () => {
    const user = await createUser(t, 'vendeur');
    const response = await api(t, 'POST', '/api/auth/login/', {
      body: { username: user.username.toUpperCase(), password: user.password },
    });
    expect(response.status).toBe(200);
  });

  it('rotates refresh tokens and revokes the family when an old one is reused after the grace window', async () => {
    const user = await createUser(t, 'vendeur');
    const first = await login(t, user, unique('PHONE-'));
    const second = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: first.refresh_token },
    });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    await rotatedMinutesAgo(t, first.refresh_token, 2);

    const reuse = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: first.refresh_token },
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_token_reused');

    // The legitimate holder of the newest token is signed out too: the family is revoked.
    const afterReuse = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: second.body.refresh_token },
    });
    expect(afterReuse.status).toBe(401);
    // And so are its access tokens, at once.
    const me = await api(t, 'GET', '/api/auth/me/', { token: second.body.access_token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('token_invalid');
  });

  it('forgives a lost answer: a token presented again within the window gets a pair in the same session', async () => {
    const user = await createUser(t, 'vendeur');
    const session = await login(t, user, unique('PHONE-'));
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api(t, 'POST', '/api/auth/refresh/', { body: { refresh_token: session.refresh_token } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    const pairs = answers.map((answer) => answer.body as { access_token: string; refresh_token: string });
    expect(new Set(pairs.map((pair) => pair.refresh_token)).size).toBe(10);
    const families = await t.db
      .selectDistinct({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, user.id));
    expect(families).toHaveLength(1);
    for (const pair of pairs) {
      expect((await api(t, 'GET', '/api/auth/me/', { token: pair.access_token })).status).toBe(200);
      const next = await api(t, 'POST', '/api/auth/refresh/', {
        body: { refresh_token: pair.refresh_token },
      });
      expect(next.status, JSON.stringify(next.body)).toBe(200);
    }
  });

  it('names a disabled account and a revoked device on refresh, not a reuse', async () => {
    const vendor = await createUser(t, 'vendeur');
    const admin = await signedInUser(t, 'admin');
    const phone = await login(t, vendor, unique('PHONE-'));
    const revoke = await api(t, 'POST', `/api/devices/${phone.user.device_id}/revoke/`, {
      token: admin.token,
    });
    expect(revoke.status).toBe(200);
    const onRevoked = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: phone.refresh_token },
    });
    expect(onRevoked.status).toBe(401);
    expect(onRevoked.body.error.code).toBe('device_revoked');

    const other = await createUser(t, 'vendeur');
    const browser = await login(t, other);
    const off = await api(t, 'PUT', `/api/users/${other.id}/`, {
      token: admin.token,
      body: { is_active: false },
    });
    expect(off.status).toBe(200);
    const onDisabled = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: browser.refresh_token },
    });
    expect(onDisabled.status).toBe(401);
    expect(onDisabled.body.error.code).toBe('account_disabled');
  });

  it('logout revokes the refresh token', async () => {
    const user = await createUser(t, 'vendeur');
    const session = await login(t, user);
    const out = await api(t, 'POST', '/api/auth/logout/', {
      token: session.access_token,
      body: { refresh_token: session.refresh_token },
    });
    expect(out.status).toBe(204);
    const refresh = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: session.refresh_token },
    });
    expect(refresh.status).toBe(401);
  });

  it('registers a device from the X-Device-Serial header and binds tokens to it', async () => {
    const user = await createUser(t, 'vendeur');
    const serial = unique('TECNO-');
    const response = await api(t, 'POST', '/api/auth/login/', {
      headers: { 'x-device-serial': serial },
      body: { username: user.username, password: user.password },
    });
    expect(response.status).toBe(200);
    expect(response.body.user.device_id).toBeTypeOf('string');
    const again = await login(t, user, serial);
    expect(again.user.device_id).toBe(response.body.user.device_id);
  });

  it('refuses a revoked device at once, for access and refresh tokens and new logins', async () => {
    const vendor = await createUser(t, 'vendeur');
    const admin = await createUser(t, 'admin');
    const adminToken = await tokenFor(t, admin);
    const serial = unique('LOST-');
    const session = await login(t, vendor, serial);
    expect((await api(t, 'GET', '/api/auth/me/', { token: session.access_token })).status).toBe(200);

    const revoke = await api(t, 'POST', `/api/devices/${session.user.device_id}/revoke/`, {
      token: adminToken,
    });
    expect(revoke.status).toBe(200);

    const me = await api(t, 'GET', '/api/auth/me/', { token: session.access_token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('device_revoked');
    const refresh = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: session.refresh_token },
    });
    expect(refresh.status).toBe(401);
    const relogin = await api(t, 'POST', '/api/auth/login/', {
      body: { username: vendor.username, password: vendor.password, device_serial: serial },
    });
    expect(relogin.status).toBe(401);
    expect(relogin.body.error.code).toBe('device_revoked');
  });

  it("stops a deactivated user's tokens at once", async () => {
    const vendor = await createUser(t, 'vendeur');
    const admin = await createUser(t, 'admin');
    const session = await login(t, vendor);
    const off = await api(t, 'DELETE', `/api/users/${vendor.id}/`, { token: await tokenFor(t, admin) });
    expect(off.status).toBe(200);
    expect(off.body.is_active).toBe(false);

    const me = await api(t, 'GET', '/api/auth/me/', { token: session.access_token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('account_disabled');
    const refresh = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: session.refresh_token },
    });
    expect(refresh.status).toBe(401);
  });

  describe('refuses forged tokens', () => {
    it('without a token, with garbage, and with a malformed header', async () => {
      for (const authorization of [undefined, 'Bearer not-a-jwt', 'Basic abc', 'Bearer ']) {
        const response = await api(t, 'GET', '/api/auth/me/', {
          headers: authorization ? { authorization } : {},
        });
        expect(response.status).toBe(401);
        expect(response.body.error.code).toMatch(/unauthorized|token_invalid/);
      }
    });

    it('with alg none', async () => {
      const user = await createUser(t, 'admin');
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
        sub: user.id,
        role: 'admin',
        iss: 'gapal',
        aud: 'gapal-api',
        iat: now,
        exp: now + 600,
      })}.`;
      const response = await api(t, 'GET', '/api/users/', { token });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('token_invalid');
    });

    it('signed with another key', async () => {
      const user = await createUser(t, 'admin');
      const token = await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuer('gapal')
        .setAudience('gapal-api')
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
      const response = await api(t, 'GET', '/api/users/', { token });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('token_invalid');
    });

    it('signed with the real key but missing or malformed claims: 401, never 500', async () => {
      const user = await createUser(t, 'admin');
      const base = wellFormedClaims(user);
      const cases: Record<string, Record<string, unknown>> = {
        'no exp': { ...base, exp: undefined },
        'no iat': { ...base, iat: undefined },
        'no sub': { ...base, sub: undefined },
        'no dev': { ...base, dev: undefined },
        'exp not a number': { ...base, exp: String(base.exp) },
        'iat not a number': { ...base, iat: 'yesterday' },
        'sub not a uuid': { ...base, sub: 'admin' },
        'dev not a uuid': { ...base, dev: 'phone-1' },
        'dev a number': { ...base, dev: 42 },
        'sid not a uuid': { ...base, sid: 'x' },
      };
      for (const [name, claims] of Object.entries(cases)) {
        const token = await signedWithRealKey(t.config.jwtSecret, claims);
        const response = await api(t, 'GET', '/api/users/', { token });
        expect(response.status, name).toBe(401);
        expect(response.body.error.code, name).toBe('token_invalid');
      }
      // The same claims, well-formed, are accepted: the cases above fail for their one claim.
      expect(
        (await api(t, 'GET', '/api/users/', { token: await signedWithRealKey(t.config.jwtSecret, base) }))
          .status,
      ).toBe(200);
    });

    it('expired', async () => {
      const user = await createUser(t, 'admin');
      const token = await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuer('gapal')
        .setAudience('gapal-api')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(t.config.jwtSecret));
      const response = await api(t, 'GET', '/api/users/', { token });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('token_expired');
    });
  });

  it('applies a role change at once, whatever the token says', async () => {
    const user = await createUser(t, 'admin');
    const token = await tokenFor(t, user);
    expect((await api(t, 'GET', '/api/users/', { token })).status).toBe(200);
    const other = await createUser(t, 'admin');
    const demote = await api(t, 'PUT', `/api/users/${user.id}/`, {
      token: await tokenFor(t, other),
      body: { role: 'vendeur', site_id: t.defaultSiteId },
    });
    expect(demote.status).toBe(200);
    expect((await api(t, 'GET', '/api/users/', { token })).status).toBe(403);
  });

  it('a device of one site cannot be used by a user of another', async () => {
    const vendor = await createUser(t, 'vendeur');
    const phone = await createDevice(t, vendor);
    const otherSite = await createSite(t);
    const stranger = await createUser(t, 'vendeur', { siteId: otherSite.id });
    const response = await api(t, 'POST', '/api/auth/login/', {
      body: { username: stranger.username, password: stranger.password, device_serial: phone.serial },
    });
    expect(response.status).toBe(403);
  });
});

describe('login rate limits', () => {
  it('locks an account after repeated failures, even with the right password', async () => {
    const t = await createTestApp({ env: { LOGIN_MAX_FAILURES: '3' } });
    try {
      const user = await createUser(t, 'vendeur');
      for (let i = 0; i < 3; i++) {
        const response = await api(t, 'POST', '/api/auth/login/', {
          body: { username: user.username, password: 'wrong-password' },
        });
        expect(response.status).toBe(401);
      }
      const locked = await api(t, 'POST', '/api/auth/login/', {
        body: { username: user.username, password: user.password },
      });
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('rate_limited');
      const wait = Number(locked.headers['retry-after']);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBe(locked.body.error.details.retry_after_seconds);
    } finally {
      await t.close();
    }
  });

  it('limits login attempts per IP address', async () => {
    const t = await createTestApp({ env: { LOGIN_IP_MAX_PER_MINUTE: '4' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await api(t, 'POST', '/api/auth/login/', {
          body: { username: unique('u'), password: 'whatever-1' },
        });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(response.body.error.code).toBe('rate_limited');
          expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
      expect(statuses.slice(4)).toEqual([429, 429]);
    } finally {
      await t.close();
    }
  });
});
