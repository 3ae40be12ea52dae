import { inArray, isNotNull, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite } from '../../../test/factories.ts';
import { testConfig, useTestApp } from '../../../test/harness.ts';
import { ConfigError } from '../../config.ts';
import { notifications } from '../../db/schema.ts';
import { todayIn } from '../../lib/dates.ts';
import { addDays, createLot, createProduct } from '../../realtime/test-helpers.ts';
import { runExpiryCheck, startExpiryScheduler } from './expiry-job.ts';

const DAY_MS = 86_400_000;
const silentLog = { info() {}, error() {}, warn() {}, debug() {} } as never;

describe('expiry check', () => {
  const t = useTestApp({ poolSize: 20 });
  const timeZone = 'Africa/Ouagadougou';
  /** The app's write pipeline, its business day judged in `timeZone`. */
  const writes = () => ({ ...t.app.writes, config: { ...t.app.writes.config, timeZone } });
  const alertDays = [3, 1];

  async function keysOf(lotIds: string[]): Promise<string[]> {
    const rows = await t.db
      .select({ key: notifications.dedupeKey })
      .from(notifications)
      .where(
        inArray(
          notifications.dedupeKey,
          lotIds.flatMap((id) => [`expiry:${id}:D-3`, `expiry:${id}:D-1`, `expiry:${id}:expired`]),
        ),
      );
    return rows.map((row) => row.key!).sort();
  }

  it('alerts once per lot and threshold: the tightest reached, then expired while stock remains', async () => {
    const now = new Date();
    const today = todayIn(timeZone, now);
    const product = await createProduct(t);
    const lot = (days: number, quantity = 10) =>
      createLot(t, {
        productId: product.id,
        siteId: t.defaultSiteId,
        expiryDate: addDays(today, days),
        quantity,
      });
    const far = await lot(5);
    const d3 = await lot(3);
    const d2 = await lot(2);
    const d1 = await lot(1);
    const d0 = await lot(0);
    const expired = await lot(-1);
    const emptyExpired = await lot(-1, 0);
    const ids = [far, d3, d2, d1, d0, expired, emptyExpired].map((l) => l.id);

    expect(await runExpiryCheck(writes(), { alertDays, now })).toBeGreaterThanOrEqual(5);
    expect(await keysOf(ids)).toEqual(
      [
        `expiry:${d3.id}:D-3`,
        `expiry:${d2.id}:D-3`,
        `expiry:${d1.id}:D-1`,
        `expiry:${d0.id}:D-1`,
        `expiry:${expired.id}:expired`,
      ].sort(),
    );
    const [stored] = await t.db
      .select()
      .from(notifications)
      .where(inArray(notifications.dedupeKey, [`expiry:${d2.id}:D-3`]));
    expect(stored).toMatchObject({
      kind: 'lot_expiration_proche',
      siteId: t.defaultSiteId,
      targetRoles: ['gestionnaire_stocks', 'admin'],
      targetUserId: null,
    });
    expect(stored!.params).toMatchObject({ days_left: 2 });
    expect(stored!.data).toMatchObject({ lot_id: d2.id, days_before: 3, quantity: 10 });

    // The same day again: nothing new.
    expect(await runExpiryCheck(writes(), { alertDays, now })).toBe(0);

    // Next day: the D-2 lot reaches D-1, the D-1 lot becomes due today (already alerted), D-0 expires.
    const tomorrow = new Date(now.getTime() + DAY_MS);
    await runExpiryCheck(writes(), { alertDays, now: tomorrow });
    const keys = await keysOf(ids);
    expect(keys).toContain(`expiry:${d2.id}:D-1`);
    expect(keys).toContain(`expiry:${d0.id}:expired`);
    expect(keys).not.toContain(`expiry:${d1.id}:expired`);
    expect(keys.filter((key) => key.startsWith(`expiry:${d3.id}`))).toEqual([`expiry:${d3.id}:D-3`]);
    expect(keys.some((key) => key.includes(far.id) || key.includes(emptyExpired.id))).toBe(false);
  });

  it('creates each notification once when runs overlap, as from several processes', async () => {
    const now = new Date(Date.now() + 30 * DAY_MS);
    const today = todayIn(timeZone, now);
    const site = await createSite(t);
    const product = await createProduct(t);
    const lotIds: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const lot = await createLot(t, {
        productId: product.id,
        siteId: i % 2 === 0 ? t.defaultSiteId : site.id,
        expiryDate: addDays(today, (i % 5) - 1),
        quantity: 5,
      });
      lotIds.push(lot.id);
    }
    const before = await countDeduped();
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runExpiryCheck(writes(), { alertDays, now })),
    );
    const keys = await keysOf(lotIds);
    // Every lot is due (days left -1…3): exactly one notification each, whoever created it.
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
    // And the runs together report exactly the rows that appeared: none counted twice.
    expect(runs.reduce((sum, created) => sum + created, 0)).toBe((await countDeduped()) - before);
  });

  async function countDeduped(): Promise<number> {
    const rows = await t.db
      .select({ key: notifications.dedupeKey })
      .from(notifications)
      .where(isNotNull(notifications.dedupeKey));
    return rows.length;
  }

  it('runs at start-up from the scheduler, and stop waits for the run', async () => {
    const today = todayIn(timeZone);
    const product = await createProduct(t);
    const lot = await createLot(t, {
      productId: product.id,
      siteId: t.defaultSiteId,
      expiryDate: addDays(today, -3),
      quantity: 2,
    });
    const scheduler = startExpiryScheduler({
      ...writes(),
      config: { timeZone, expiry: { checkHour: 6, alertDays } },
      log: silentLog,
    });
    await scheduler.stop();
    expect(await keysOf([lot.id])).toEqual([`expiry:${lot.id}:expired`]);
    const all = await t.db
      .select()
      .from(notifications)
      .where(like(notifications.dedupeKey, `%${lot.id}%`));
    expect(all).toHaveLength(1);
  });

  it('reads the check hour and the alert days from the environment', () => {
    expect(testConfig().expiry).toEqual({ checkHour: 6, alertDays: [3, 1] });
    expect(testConfig({ EXPIRY_CHECK_HOUR: '22', EXPIRY_ALERT_DAYS: '1, 7,3,3' }).expiry).toEqual({
      checkHour: 22,
      alertDays: [7, 3, 1],
    });
    expect(() => testConfig({ EXPIRY_ALERT_DAYS: 'demain' })).toThrow(ConfigError);
    expect(() => testConfig({ EXPIRY_CHECK_HOUR: '24' })).toThrow(ConfigError);
  });
});
