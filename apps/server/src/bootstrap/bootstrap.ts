import type { Config } from '../config.ts';
import {
  runWrite,
  systemActor,
  type WriteActor,
  type WriteContext,
  type WriteDeps,
} from '../domain/write-context.ts';
import { recordAudit } from '../features/audit/audit.service.ts';
import { hashPassword } from '../features/auth/passwords.ts';
import { countUsers, findFirstSite, insertSiteOnce, insertUsers } from './bootstrap.repo.ts';
import { type DemoLogin, existingDemoLogins, seedDemoData } from './demo-data.ts';

export type BootstrapReport = { createdAdmin: string | null; demoLogins: DemoLogin[] };

/**
 * First start: a default site so a one-site business never notices sites, the first admin
 * from the environment, and demo data unless `GAPAL_DEMO_DATA=false`. Later starts do nothing.
 * One write, as the system: all of it or nothing.
 */
export async function bootstrap(deps: WriteDeps, config: Config): Promise<BootstrapReport> {
  return runWrite(deps, systemActor('bootstrap'), (ctx) => firstStart(ctx, config), { name: 'bootstrap' });
}

async function firstStart(ctx: WriteContext<WriteActor>, config: Config): Promise<BootstrapReport> {
  const { tx } = ctx;
  const report: BootstrapReport = { createdAdmin: null, demoLogins: [] };
  const defaultSite =
    (await findFirstSite(tx)) ??
    (await insertSiteOnce(tx, { name: 'Koudougou', code: 'KDG', address: 'Koudougou, Burkina Faso' }));
  if ((await countUsers(tx)) > 0) {
    report.demoLogins = config.demoData ? await existingDemoLogins(tx) : [];
    return report;
  }

  if (config.firstAdmin) {
    const { username, password } = config.firstAdmin;
    const [admin] = await insertUsers(tx, [
      {
        username,
        fullName: 'Administrateur',
        role: 'admin',
        siteId: defaultSite,
        passwordHash: await hashPassword(password, config.passwordHashing),
      },
    ]);
    await recordAudit(ctx, {
      action: 'user.create',
      entity: 'user',
      entityId: admin!.id,
      after: { username, role: 'admin' },
    });
    report.createdAdmin = username;
  }
  if (config.demoData)
    report.demoLogins = await seedDemoData(ctx, defaultSite, {
      skipAdmin: Boolean(config.firstAdmin),
      hashing: config.passwordHashing,
    });
  return report;
}
