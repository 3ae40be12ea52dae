import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { auditLog, notificationReads } from '../../db/schema.ts';
import { runWrite, systemActor } from '../../domain/write-context.ts';
import { notify } from './notify.ts';

describe('notifications API', () => {
  const t = useTestApp();
  let siteB: string;

  beforeAll(async () => {
    siteB = (await createSite(t)).id;
  });

  /** Stores a notification the way features do; returns its id. */
  async function stored(
    audience: { siteId: string | null; roles: any[]; userId: string | null },
    productName = 'Test',
  ) {
    const ids: string[] = [];
    await runWrite(t.app.writes, systemActor('test'), async (ctx) => {
      await notify(
        {
          ...ctx,
          publishAfterCommit: (event) => {
            ids.push((event.message as { notification: { id: string } }).notification.id);
            ctx.publishAfterCommit(event);
          },
        },
        [
          {
            kind: 'stock_bas',
            audience,
            params: { product_name: productName, unit: 'pot', quantity: 1, min_stock_level: 5 },
          },
        ],
      );
    });
    return ids[0]!;
  }

  it('keeps read state per user for a role-wide notification', async () => {
    const first = await signedInUser(t, 'gestionnaire_stocks');
    const second = await signedInUser(t, 'gestionnaire_stocks');
    const id = await stored({ siteId: t.defaultSiteId, roles: ['gestionnaire_stocks'], userId: null });

    const read = await api(t, 'POST', `/api/notifications/${id}/read/`, { token: first.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, kind: 'stock_bas' });
    expect(read.body.read_at).toBeTypeOf('string');
    // Reading again keeps the first read time.
    const again = await api(t, 'POST', `/api/notifications/${id}/read/`, { token: first.token });
    expect(again.body.read_at).toBe(read.body.read_at);

    const mine = await api(t, 'GET', '/api/notifications/', { token: first.token });
    const theirs = await api(t, 'GET', '/api/notifications/', { token: second.token });
    expect(mine.body.items.find((n: any) => n.id === id).read_at).toBe(read.body.read_at);
    expect(theirs.body.items.find((n: any) => n.id === id).read_at).toBeNull();
    expect(theirs.body.unread_count).toBe(mine.body.unread_count + 1);

    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'notification.read'), eq(auditLog.entityId, id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.userId).toBe(first.user.id);
  });

  it('answers 404 for a notification the caller may not see, and writes nothing', async () => {
    const otherSite = await signedInUser(t, 'gestionnaire_stocks', { siteId: siteB });
    const vendor = await signedInUser(t, 'vendeur');
    const id = await stored({ siteId: t.defaultSiteId, roles: ['gestionnaire_stocks'], userId: null });
    for (const caller of [otherSite, vendor]) {
      const response = await api(t, 'POST', `/api/notifications/${id}/read/`, { token: caller.token });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
      const rows = await t.db
        .select()
        .from(notificationReads)
        .where(eq(notificationReads.userId, caller.user.id));
      expect(rows).toEqual([]);
      const list = await api(t, 'GET', '/api/notifications/', { token: caller.token });
      expect(list.body.items.map((n: any) => n.id)).not.toContain(id);
    }
    const unknown = await api(t, 'POST', '/api/notifications/999999999/read/', { token: vendor.token });
    expect(unknown.status).toBe(404);
  });

  it('refuses bad input with a 400 in the shared shape', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    for (const url of [
      '/api/notifications/abc/read/',
      '/api/notifications/0/read/',
      '/api/notifications/?cursor=%%%',
      '/api/notifications/?cursor=eyJ4IjoxfQ',
      '/api/notifications/?limit=0',
      '/api/notifications/?limit=1000',
      '/api/notifications/?unknown=1',
    ]) {
      const response = await api(t, url.includes('/read/') ? 'POST' : 'GET', url, { token });
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
      expect(response.body.error.code).toBe('validation_error');
    }
    const anonymous = await api(t, 'GET', '/api/notifications/');
    expect(anonymous.status).toBe(401);
  });

  it('lists unread first then read, newest first in each, over keyset pages', async () => {
    const { user, token } = await signedInUser(t, 'vendeur');
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1)
      ids.push(await stored({ siteId: null, roles: [], userId: user.id }, `n${i}`));
    for (const id of [ids[1], ids[4], ids[5]]) {
      expect((await api(t, 'POST', `/api/notifications/${id}/read/`, { token })).status).toBe(200);
    }
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await api(t, 'GET', `/api/notifications/${query}`, { token });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.body.unread_count).toBe(4);
      seen.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.map((n) => n.id)).toEqual([ids[6], ids[3], ids[2], ids[0], ids[5], ids[4], ids[1]]);
    expect(seen.map((n) => n.read_at === null)).toEqual([true, true, true, true, false, false, false]);

    const unread = await api(t, 'GET', '/api/notifications/?unread_only=true', { token });
    expect(unread.body.items.map((n: any) => n.id)).toEqual([ids[6], ids[3], ids[2], ids[0]]);
  });

  it('marks everything read for the caller only', async () => {
    const me = await signedInUser(t, 'gestionnaire_commandes');
    const colleague = await signedInUser(t, 'gestionnaire_commandes');
    await stored({ siteId: t.defaultSiteId, roles: ['gestionnaire_commandes'], userId: null });
    await stored({ siteId: null, roles: [], userId: me.user.id });

    const before = await api(t, 'GET', '/api/notifications/', { token: colleague.token });
    const result = await api(t, 'POST', '/api/notifications/read-all/', { token: me.token });
    expect(result.status).toBe(200);
    expect(result.body.marked).toBeGreaterThanOrEqual(2);
    const mine = await api(t, 'GET', '/api/notifications/', { token: me.token });
    expect(mine.body.unread_count).toBe(0);
    expect(mine.body.items.every((n: any) => n.read_at !== null)).toBe(true);
    const after = await api(t, 'GET', '/api/notifications/', { token: colleague.token });
    expect(after.body.unread_count).toBe(before.body.unread_count);

    const second = await api(t, 'POST', '/api/notifications/read-all/', { token: me.token });
    expect(second.body).toEqual({ marked: 0 });
  });

  it('shows the admin every site’s admin notifications, and a site’s only to that site', async () => {
    const admin = await signedInUser(t, 'admin', { siteId: null });
    const managerB = await signedInUser(t, 'gestionnaire_stocks', { siteId: siteB });
    const id = await stored({ siteId: siteB, roles: ['gestionnaire_stocks', 'admin'], userId: null });
    for (const caller of [admin, managerB]) {
      const list = await api(t, 'GET', '/api/notifications/?unread_only=true&limit=100', {
        token: caller.token,
      });
      expect(list.body.items.map((n: any) => n.id)).toContain(id);
    }
    const managerA = await signedInUser(t, 'gestionnaire_stocks');
    const list = await api(t, 'GET', '/api/notifications/?limit=100', { token: managerA.token });
    expect(list.body.items.map((n: any) => n.id)).not.toContain(id);
  });
});
