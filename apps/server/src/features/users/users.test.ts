import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, createUser, login, signedInUser, unique } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { auditLog, users } from '../../db/schema.ts';

describe('users admin', () => {
  const t = useTestApp();

  it('creates a user who can then sign in, and audits it without the password', async () => {
    const { token } = await signedInUser(t, 'admin');
    const username = unique('awa');
    const created = await api(t, 'POST', '/api/users/', {
      token,
      body: {
        username,
        full_name: 'Awa Traoré',
        role: 'vendeur',
        site_id: t.defaultSiteId,
        password: 'secret-123',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username,
      role: 'vendeur',
      site_id: t.defaultSiteId,
      is_active: true,
    });
    expect(created.body).not.toHaveProperty('password_hash');
    // Hashed at the configured cost (PASSWORD_SCRYPT_N: the tests' 2^10; the default is in config.test.ts).
    const [stored] = await t.db.select().from(users).where(eq(users.id, created.body.id));
    expect(stored!.passwordHash).toMatch(new RegExp(`^scrypt\\$${t.config.passwordHashing.N}\\$8\\$1\\$`));
    expect(t.config.passwordHashing.N).toBe(1024);

    const session = await api(t, 'POST', '/api/auth/login/', { body: { username, password: 'secret-123' } });
    expect(session.status).toBe(200);

    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.entityId, created.body.id));
    expect(entry).toMatchObject({ action: 'user.create', entity: 'user' });
    expect(JSON.stringify(entry!.after)).not.toContain('scrypt');
  });

  it('lists, filters and reads users', async () => {
    const { token } = await signedInUser(t, 'admin');
    const vendor = await createUser(t, 'vendeur');
    const list = await api(t, 'GET', `/api/users/?role=vendeur&search=${vendor.username}`, { token });
    expect(list.status).toBe(200);
    expect(list.body.map((u: { id: string }) => u.id)).toEqual([vendor.id]);
    const one = await api(t, 'GET', `/api/users/${vendor.id}/`, { token });
    expect(one.body.username).toBe(vendor.username);
  });

  it('changes role and site, and resets a password (old sessions end)', async () => {
    const { token } = await signedInUser(t, 'admin');
    const siteB = await createSite(t);
    const user = await createUser(t, 'vendeur');
    const session = await login(t, user);

    const moved = await api(t, 'PUT', `/api/users/${user.id}/`, {
      token,
      body: { role: 'gestionnaire_stocks', site_id: siteB.id },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ role: 'gestionnaire_stocks', site_id: siteB.id });

    const reset = await api(t, 'POST', `/api/users/${user.id}/reset-password/`, {
      token,
      body: { password: 'brand-new-pass' },
    });
    expect(reset.status).toBe(204);
    const refresh = await api(t, 'POST', '/api/auth/refresh/', {
      body: { refresh_token: session.refresh_token },
    });
    expect(refresh.status).toBe(401);
    const oldPassword = await api(t, 'POST', '/api/auth/login/', {
      body: { username: user.username, password: user.password },
    });
    expect(oldPassword.status).toBe(401);
    const newPassword = await api(t, 'POST', '/api/auth/login/', {
      body: { username: user.username, password: 'brand-new-pass' },
    });
    expect(newPassword.status).toBe(200);
  });

  describe('bad input changes nothing', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'unknown field',
        { username: 'x-user', full_name: 'X', role: 'vendeur', password: 'secret-123', admin: true },
        'admin',
      ],
      [
        'unknown role',
        { username: 'y-user', full_name: 'Y', role: 'patron', password: 'secret-123' },
        'role',
      ],
      [
        'short password',
        { username: 'z-user', full_name: 'Z', role: 'admin', password: 'short' },
        'password',
      ],
      [
        'vendor without a site',
        { username: 'w-user', full_name: 'W', role: 'vendeur', site_id: null, password: 'secret-123' },
        'site_id',
      ],
      ['wrong type', { username: 42, full_name: 'V', role: 'admin', password: 'secret-123' }, 'username'],
    ];
    for (const [name, body, field] of cases) {
      it(name, async () => {
        const { token } = await signedInUser(t, 'admin');
        const [before] = await t.db.select({ n: count() }).from(users);
        const response = await api(t, 'POST', '/api/users/', { token, body });
        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe('validation_error');
        expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
        const [after] = await t.db.select({ n: count() }).from(users);
        expect(after!.n).toBe(before!.n);
      });
    }

    it('a username already taken (any case) is a 409', async () => {
      const { token } = await signedInUser(t, 'admin');
      const existing = await createUser(t, 'vendeur');
      const response = await api(t, 'POST', '/api/users/', {
        token,
        body: {
          username: existing.username.toUpperCase(),
          full_name: 'Copie',
          role: 'vendeur',
          site_id: t.defaultSiteId,
          password: 'secret-123',
        },
      });
      expect(response.status).toBe(409);
    });

    it('an admin cannot deactivate themself', async () => {
      const { user, token } = await signedInUser(t, 'admin');
      const response = await api(t, 'DELETE', `/api/users/${user.id}/`, { token });
      expect(response.status).toBe(409);
      const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
      expect(row!.isActive).toBe(true);
    });

    it('an unknown id is a 404 and a malformed id a 400', async () => {
      const { token } = await signedInUser(t, 'admin');
      expect(
        (await api(t, 'GET', '/api/users/00000000-0000-4000-8000-000000000000/', { token })).status,
      ).toBe(404);
      expect((await api(t, 'GET', '/api/users/not-a-uuid/', { token })).status).toBe(400);
    });
  });
});
