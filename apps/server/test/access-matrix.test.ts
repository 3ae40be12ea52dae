import { PERMISSIONS, ROLES, type Role } from '@gapal/shared';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createIdentities, registerAuth } from '../src/features/auth/request-auth.ts';
import { createTokenSigner } from '../src/features/auth/tokens.ts';
import { createUser, tokenFor } from './factories.ts';
import { api, useTestApp } from './harness.ts';

const FAKE_ID = '00000000-0000-4000-8000-000000000000';

/** Fills `:param` segments so the route matches; the id exists nowhere. */
function concreteUrl(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, FAKE_ID);
}

describe('route × role access matrix', () => {
  const t = useTestApp();

  it('every API route declares an access rule (the app refuses to start otherwise)', () => {
    const app = Fastify();
    registerAuth(app, {
      db: t.db,
      signer: createTokenSigner(t.config.jwtSecret, 60),
      identities: createIdentities(),
    });
    expect(() => app.get('/api/undeclared/', async () => 'oops')).toThrow(/declares no access rule/);
  });

  it('covers the routes of every feature', () => {
    const urls = t.app.routeRules.map((rule) => rule.url);
    for (const prefix of ['/api/auth', '/api/users', '/api/sites', '/api/devices', '/api/audit']) {
      expect(urls.some((url) => url.startsWith(prefix))).toBe(true);
    }
  });

  it('refuses every non-public route without a token', async () => {
    for (const rule of t.app.routeRules.filter((r) => r.access !== 'public')) {
      const response = await api(t, rule.method as 'GET', concreteUrl(rule.url), { body: {} });
      expect(response.status, `${rule.method} ${rule.url}`).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
  });

  it('allows exactly the roles of the permission table, for every route', async () => {
    const tokens = {} as Record<Role, string>;
    for (const role of ROLES) tokens[role] = await tokenFor(t, await createUser(t, role));

    for (const rule of t.app.routeRules) {
      for (const role of ROLES) {
        const label = `${rule.method} ${rule.url} as ${role}`;
        const response = await api(t, rule.method as 'GET', concreteUrl(rule.url), {
          token: tokens[role],
          body: {},
        });
        // Whatever the outcome, bad input never gets a 5xx.
        expect(response.status, label).toBeLessThan(500);
        const allowed =
          rule.access === 'public' ||
          rule.access === 'authenticated' ||
          (PERMISSIONS[rule.access] as readonly Role[]).includes(role);
        if (allowed) {
          expect([401, 403], label).not.toContain(response.status);
        } else {
          expect(response.status, label).toBe(403);
          expect(response.body.error.code, label).toBe('forbidden');
        }
      }
    }
  });
});
