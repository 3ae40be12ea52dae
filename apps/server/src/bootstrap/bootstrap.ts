import { count, eq } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { sites, users } from '../db/schema.ts';
import { recordAudit } from '../features/audit/audit.service.ts';
import { hashPassword } from '../features/auth/passwords.ts';
import { type DemoLogin, existingDemoLogins, seedDemoData } from './demo-data.ts';

export type BootstrapReport = { createdAdmin: string | null; demoLogins: DemoLogin[] };

const SYSTEM_SOURCE = { requestId: 'bootstrap', ip: '127.0.0.1' };

/**
 * First start: a default site so a one-site business never notices sites, the first admin
 * from the environment, and demo data unless `GAPAL_DEMO_DATA=false`. Later starts do nothing.
 */
export async function bootstrap(db: Db, config: Config): Promise<BootstrapReport> {
  const report: BootstrapReport = { createdAdmin: null, demoLogins: [] };
  const defaultSite = await ensureDefaultSite(db);
  const [{ value: userCount } = { value: 0 }] = await db.select({ value: count() }).from(users);
  if (userCount > 0) {
    report.demoLogins = config.demoData ? await existingDemoLogins(db) : [];
    return report;
  }

  if (config.firstAdmin) {
    const { username, password } = config.firstAdmin;
    await db.transaction(async (tx) => {
      const [admin] = await tx
        .insert(users)
        .values({
          username,
          fullName: 'Administrateur',
          role: 'admin',
          siteId: defaultSite,
          passwordHash: await hashPassword(password),
        })
        .returning({ id: users.id });
      await recordAudit(tx, SYSTEM_SOURCE, {
        action: 'user.create',
        entity: 'user',
        entityId: admin!.id,
        after: { username, role: 'admin' },
      });
    });
    report.createdAdmin = username;
  }
  if (config.demoData)
    report.demoLogins = await seedDemoData(db, defaultSite, { skipAdmin: Boolean(config.firstAdmin) });
  return report;
}

async function ensureDefaultSite(db: Db): Promise<string> {
  const [existing] = await db.select({ id: sites.id }).from(sites).orderBy(sites.createdAt).limit(1);
  if (existing) return existing.id;
  const [created] = await db
    .insert(sites)
    .values({ name: 'Koudougou', code: 'KDG', address: 'Koudougou, Burkina Faso' })
    .onConflictDoNothing()
    .returning({ id: sites.id });
  if (created) return created.id;
  const [raced] = await db.select({ id: sites.id }).from(sites).where(eq(sites.code, 'KDG'));
  return raced!.id;
}
